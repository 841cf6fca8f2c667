"""Uploads and job control: multipart upload, presigned POST, (re)process and cancel."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile, status

from paperlane import aws, ids, profiles
from paperlane.api.deps import SettingsDep, StoresDep
from paperlane.api.schemas import (
    PresignedUpload,
    PresignRequest,
    PresignResponse,
    ProcessRequest,
    UploadedJob,
    UploadResponse,
)
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.errors import InvalidRequest, NotFound, TooLarge
from paperlane.jobs import Batch, Job
from paperlane.pipeline import submission
from paperlane.storage.documents import INBOX, DocumentStore, safe_filename

router = APIRouter(prefix="/api/v1", tags=["upload"])
_READ_BLOCK = 1024 * 1024


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while block := await upload.read(_READ_BLOCK):
        data += block
        if len(data) > limit:
            raise TooLarge(
                f"{upload.filename} is larger than {limit:,} bytes, the limit for multipart uploads. "
                "Ask POST /api/v1/uploads for a presigned upload instead.",
                details={"filename": upload.filename, "max_bytes": limit},
            )
    return bytes(data)


def _uploaded(job: Job, duplicate: bool) -> UploadedJob:
    return UploadedJob(
        job_id=job.job_id,
        filename=job.filename,
        status=job.status,
        duplicate=duplicate,
        status_url=f"/api/v1/process/status/{job.job_id}",
    )


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadResponse,
    summary="Upload one or more PDFs (multipart, up to MAX_UPLOAD_BYTES each)",
)
async def upload(
    settings: SettingsDep,
    stores: StoresDep,
    principal: PrincipalDep,
    file: Annotated[list[UploadFile], File(description="One or more PDF files, each in a `file` field")],
    profile: Annotated[str, Form(description="Extraction profile")] = "generic",
    priority: Annotated[int, Form(ge=0, le=4, description="0 (lowest) to 4 (highest)")] = 2,
    auto_process: Annotated[
        bool, Form(description="Start processing at once; else wait for POST /api/v1/process/{job_id}")
    ] = True,
    password: Annotated[str | None, Form(max_length=1024, description="Password of encrypted PDFs")] = None,
    batch_name: Annotated[str | None, Form(max_length=200)] = None,
    options: Annotated[
        str | None,
        Form(
            max_length=4096,
            description='The profile\'s options as a JSON object, e.g. {"main_matches_only": true} '
            "(GET /api/v1/profiles/{name} lists them)",
        ),
    ] = None,
) -> UploadResponse:
    profiles.resolve(profile, stores.profiles.spec)
    chosen = profiles.check_options(profile, _json_object(options, "options"))
    if not file:
        raise InvalidRequest("Send at least one file in a `file` form field.")
    batch_id = ids.new_batch_id() if len(file) > 1 else None
    results: list[UploadedJob] = []
    for upload_file in file:
        data = await _read_limited(upload_file, settings.max_upload_bytes)
        sub = submission.Submission(
            filename=upload_file.filename or "document.pdf",
            profile=profile,
            priority=priority,
            password=password or None,
            auto_process=auto_process,
            batch_id=batch_id,
            owner=principal.username,
            options=chosen,
        )
        done = submission.submit(stores, settings, data, sub)
        results.append(_uploaded(done.job, done.duplicate))
    if batch_id is None:
        return UploadResponse(job_id=results[0].job_id, jobs=results)
    job_ids = [r.job_id for r in results]
    stores.jobs.create_batch(
        Batch(
            batch_id=batch_id,
            name=batch_name,
            owner=principal.username,
            profile=profile,
            priority=priority,
            job_ids=job_ids,
        )
    )
    return UploadResponse(batch_id=batch_id, job_ids=job_ids, jobs=results)


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    response_model=PresignResponse,
    summary="Presigned S3 POSTs for large files: the browser sends the files straight to S3",
)
def presign(
    request: PresignRequest, settings: SettingsDep, stores: StoresDep, principal: PrincipalDep
) -> PresignResponse:
    profiles.resolve(request.profile, stores.profiles.spec)
    for f in request.files:
        if f.size_bytes and f.size_bytes > settings.presigned_max_bytes:
            raise TooLarge(
                f"{f.filename} is {f.size_bytes:,} bytes; the limit is "
                f"{settings.presigned_max_bytes:,} bytes.",
                details={"filename": f.filename},
            )
    batch = Batch(
        batch_id=ids.new_batch_id(),
        name=request.batch_name,
        owner=principal.username,
        profile=request.profile,
        priority=request.priority,
    )
    stores.jobs.create_batch(batch)
    # Presign against the address browsers reach (the local stack's S3 endpoint when it runs).
    signer = stores.documents
    if settings.s3_public_endpoint:
        signer = DocumentStore(aws.s3_at(settings.s3_public_endpoint), settings.documents_bucket)
    uploads = []
    for f in request.files:
        key = f"{INBOX}{request.profile}/{batch.batch_id}/{safe_filename(f.filename)}"
        post = signer.presigned_post(
            key, max_bytes=settings.presigned_max_bytes, expires=settings.presigned_expiry_seconds, fields={}
        )
        uploads.append(PresignedUpload(filename=f.filename, key=key, url=post["url"], fields=post["fields"]))
    return PresignResponse(
        batch_id=batch.batch_id,
        expires_in=settings.presigned_expiry_seconds,
        max_bytes=settings.presigned_max_bytes,
        uploads=uploads,
    )


@router.post(
    "/process/{job_id}",
    response_model=Job,
    summary="Start a queued job, or run a finished one again (optionally with a PDF password)",
)
def process(
    job_id: str,
    settings: SettingsDep,
    stores: StoresDep,
    principal: PrincipalDep,
    body: ProcessRequest | None = None,
) -> Job:
    _check_owned(stores, job_id, principal)
    return submission.rerun(stores, settings, job_id, password=body.password if body else None)


@router.post("/jobs/{job_id}/cancel", response_model=Job, summary="Cancel a queued or running job")
def cancel(job_id: str, stores: StoresDep, principal: PrincipalDep) -> Job:
    _check_owned(stores, job_id, principal)
    return submission.cancel(stores, job_id)


def _check_owned(stores: StoresDep, job_id: str, principal: Principal) -> None:
    """Operators control their own jobs; admins control all. Others' jobs look absent."""
    if not ids.is_job_id(job_id):
        raise NotFound(f"No job with id {job_id!r}: job ids are 32 hexadecimal characters.")
    if principal.is_admin:
        return
    job = stores.jobs.find(job_id)
    if job is None or job.owner != principal.username:
        raise NotFound(f"No job with id {job_id!r}.")


def _json_object(raw: str | None, field: str) -> dict[str, Any] | None:
    """A form field that holds a JSON object; a clear 400 when it does not."""
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise InvalidRequest(f"`{field}` is not valid JSON: {exc}.", details={"field": field}) from None
    if not isinstance(value, dict):
        raise InvalidRequest(f"`{field}` must be a JSON object.", details={"field": field})
    return value
