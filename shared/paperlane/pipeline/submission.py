"""Submitting documents and driving jobs: shared by the upload API, the CLI and the intake function."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from paperlane import ids, profiles
from paperlane.config import PipelineSettings
from paperlane.errors import Conflict
from paperlane.jobs import Job, JobStatus
from paperlane.observability import logger
from paperlane.pipeline.context import Stores
from paperlane.storage.documents import upload_key


class Submission(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    profile: str
    priority: int = Field(default=2, ge=0, le=4)
    password: str | None = Field(default=None, max_length=1024)
    auto_process: bool = True
    batch_id: str | None = None
    owner: str | None = None
    origin: str = "upload"
    options: dict[str, Any] = Field(default_factory=dict, description="The profile's options")


class Submitted(BaseModel):
    job: Job
    # True when this content and profile were already a job: no second job was made.
    duplicate: bool = False


def submit(stores: Stores, settings: PipelineSettings, data: bytes, sub: Submission) -> Submitted:
    """Store the original and create its job. Validation of the PDF itself happens in prepare, so a bad
    file still becomes a job with a stable error code and its original kept."""
    profiles.resolve(sub.profile, stores.profiles.spec)
    options = profiles.check_options(sub.profile, sub.options)
    sha = hashlib.sha256(data).hexdigest()
    job_id = ids.job_id_for(sha, profiles.options_key(sub.profile, options))
    existing = stores.jobs.find(job_id)
    if existing is not None:
        if existing.status in (JobStatus.FAILED, JobStatus.CANCELLED) and sub.auto_process:
            # Submitting again is how a user retries, e.g. with the password an encrypted PDF needed.
            return Submitted(job=rerun(stores, settings, job_id, password=sub.password), duplicate=True)
        return Submitted(job=existing, duplicate=True)

    key = upload_key(job_id, sub.filename)
    job = Job(
        job_id=job_id,
        profile=sub.profile,
        filename=sub.filename,
        source_key=key,
        sha256=sha,
        size_bytes=len(data),
        priority=sub.priority,
        batch_id=sub.batch_id,
        owner=sub.owner,
        auto_process=sub.auto_process,
        origin=sub.origin,
        options=options,
    )
    if not stores.jobs.create(job, password=sub.password):
        return Submitted(job=stores.jobs.get(job_id), duplicate=True)
    # The key names the job (inbox/<job_id>/...), so intake starts this job instead of making another.
    stores.documents.put_bytes(key, data)
    return Submitted(job=stores.jobs.get(job_id))


def start(stores: Stores, settings: PipelineSettings, job_id: str, *, new_attempt: bool = False) -> Job:
    """Start the job's execution, named by the job id. Safe to call twice: a second call changes nothing."""
    job = stores.jobs.get(job_id)
    if job.status is not JobStatus.QUEUED:
        return job
    attempt = job.attempt
    if new_attempt or attempt == 0:
        attempt += 1
        if not stores.jobs.claim_attempt(job_id, attempt):
            return stores.jobs.get(job_id)
    try:
        resp = stores.sfn.start_execution(
            stateMachineArn=settings.state_machine_arn,
            name=ids.execution_name(job_id, attempt),
            input=json.dumps({"job_id": job_id}),
        )
        stores.jobs.record_execution(job_id, resp["executionArn"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
        logger.info("Execution already exists", extra={"job_id": job_id, "attempt": attempt})
    return stores.jobs.get(job_id)


def rerun(stores: Stores, settings: PipelineSettings, job_id: str, *, password: str | None = None) -> Job:
    job = stores.jobs.get(job_id)
    if job.status is JobStatus.QUEUED:
        return start(stores, settings, job_id)
    if not stores.jobs.requeue(job_id, password=password):
        raise Conflict(
            f"Job {job_id} is {job.status.value}; wait for it to finish before running it again.",
            details={"status": job.status.value},
        )
    return start(stores, settings, job_id, new_attempt=True)


def cancel(stores: Stores, job_id: str) -> Job:
    stores.jobs.cancel(job_id)
    arn = stores.jobs.execution_arn(job_id)
    if arn:
        try:
            stores.sfn.stop_execution(executionArn=arn, error="Cancelled", cause="Cancelled by a user")
        except ClientError as exc:
            # Already finished: the job is marked cancelled all the same, and its stages stop writing.
            logger.info(
                "Execution not stopped",
                extra={"job_id": job_id, "reason": exc.response.get("Error", {}).get("Code")},
            )
    return stores.jobs.get(job_id)
