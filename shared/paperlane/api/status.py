"""Reading jobs: status, listings with filters and cursors, batches, queue counts, results, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, RedirectResponse, Response

from paperlane import __version__, clock, ids, profiles
from paperlane.api.access import owner_filter, result_of, visible_job
from paperlane.api.deps import StoresDep
from paperlane.api.schemas import BatchDetail, BatchList, Health, JobList, QueueCounts
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.errors import Conflict, NotFound
from paperlane.jobs import Job, JobStatus
from paperlane.ocr import searchable

router = APIRouter(tags=["status"])

Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page")]


def _job(stores: StoresDep, job_id: str, principal: Principal) -> Job:
    return visible_job(stores, job_id, principal)


@router.get("/api/v1/process/status/{job_id}", response_model=Job, summary="A job's status and progress")
def job_status(job_id: str, stores: StoresDep, principal: PrincipalDep) -> Job:
    return _job(stores, job_id, principal)


@router.get("/api/v1/jobs/{job_id}", response_model=Job, summary="One job")
def get_job(job_id: str, stores: StoresDep, principal: PrincipalDep) -> Job:
    return _job(stores, job_id, principal)


@router.get("/api/v1/jobs", response_model=JobList, summary="Jobs, newest first")
def list_jobs(
    stores: StoresDep,
    principal: PrincipalDep,
    status: JobStatus | None = None,
    batch_id: Annotated[str | None, Query(pattern=r"^b-[0-9a-z]{6,40}$")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> JobList:
    page = stores.jobs.list_jobs(
        status=status, batch_id=batch_id, owner=owner_filter(principal), limit=limit, cursor=cursor
    )
    return JobList(items=page.items, count=len(page.items), next_cursor=page.next_cursor)


@router.get(
    "/api/v1/jobs/{job_id}/result",
    summary="The job's extracted data (the profile's JSON)",
    responses={200: {"content": {"application/json": {}}}, 303: {"description": "Large: fetch from S3"}},
)
def job_result(job_id: str, stores: StoresDep, principal: PrincipalDep) -> Response:
    job = _job(stores, job_id, principal)
    result = result_of(stores, job, principal)
    if isinstance(result, Response):
        return result
    return JSONResponse(
        {"job_id": job.job_id, "status": job.status.value, "filename": job.filename, **result}
    )


@router.get(
    "/api/v1/jobs/{job_id}/searchable.pdf",
    summary="The scanned document with its OCR text as an invisible, searchable layer",
    status_code=303,
    responses={303: {"description": "Fetch from S3"}, 404: {"description": "The job has none"}},
)
def job_searchable_pdf(job_id: str, stores: StoresDep, principal: PrincipalDep) -> Response:
    job = _job(stores, job_id, principal)
    if job.status is not JobStatus.COMPLETED or not job.summary.get("searchable_pdf"):
        raise NotFound(f"Job {job.job_id} has no searchable PDF: only jobs with OCR'd pages have one.")
    # The file shows identity numbers as printed; viewers read them masked (as result_of refuses them
    # results it cannot mask).
    if not principal.sees_pii():
        raise Conflict("The searchable PDF cannot be masked for a viewer; ask an operator or admin.")
    return RedirectResponse(stores.documents.presigned_get(searchable.key(job.job_id)), status_code=303)


@router.get("/api/v1/batches", response_model=BatchList, summary="Batches, newest first")
def list_batches(
    stores: StoresDep, principal: PrincipalDep, limit: Limit = 50, cursor: Cursor = None
) -> BatchList:
    page = stores.jobs.list_batches(owner=owner_filter(principal), limit=limit, cursor=cursor)
    return BatchList(items=page.items, count=len(page.items), next_cursor=page.next_cursor)


@router.get("/api/v1/batches/{batch_id}", response_model=BatchDetail, summary="A batch with its jobs")
def get_batch(batch_id: str, stores: StoresDep, principal: PrincipalDep) -> BatchDetail:
    if not ids.is_batch_id(batch_id):
        raise NotFound(f"No batch with id {batch_id!r}.")
    batch = stores.jobs.get_batch(batch_id)
    if not principal.may_read(batch.owner):
        raise NotFound(f"No batch with id {batch_id!r}.")
    jobs: list[Job] = []
    cursor = None
    while True:
        page = stores.jobs.list_jobs(batch_id=batch_id, limit=200, cursor=cursor)
        jobs.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    counts = {s.value: sum(1 for j in jobs if j.status is s) for s in JobStatus}
    return BatchDetail(**batch.model_dump(), counts=counts, jobs=jobs)


@router.get("/api/v1/process/queue", response_model=QueueCounts, summary="How many jobs are in each status")
def queue(stores: StoresDep) -> QueueCounts:
    counts = stores.jobs.count_by_status()
    return QueueCounts(
        counts=counts,
        total=sum(counts.values()),
        active=counts[JobStatus.QUEUED.value] + counts[JobStatus.RUNNING.value],
    )


@router.get("/health", response_model=Health, summary="Liveness")
def health() -> Health:
    return Health(status="ok", version=__version__, profiles=profiles.names(), time=clock.iso())
