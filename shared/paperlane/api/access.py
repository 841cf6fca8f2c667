"""Which jobs a caller may see, and their results as that caller may read them."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse

from paperlane import ids
from paperlane.auth.masking import masked
from paperlane.auth.roles import Principal
from paperlane.errors import Conflict, NotFound
from paperlane.jobs import Job, JobStatus
from paperlane.pipeline.context import Stores

# Results larger than this are served from S3 (API Gateway and Lambda limit response size).
INLINE_RESULT_BYTES = 5 * 1024 * 1024


def visible_job(stores: Stores, job_id: str, principal: Principal) -> Job:
    if not ids.is_job_id(job_id):
        raise NotFound(f"No job with id {job_id!r}: job ids are 32 hexadecimal characters.")
    job = stores.jobs.get(job_id)
    # Someone else's job is as absent as a missing one: its id reveals nothing.
    if not principal.may_read(job.owner):
        raise NotFound(f"No job with id {job_id!r}.")
    return job


def owner_filter(principal: Principal) -> str | None:
    return principal.owner_scope


def result_of(stores: Stores, job: Job, principal: Principal) -> dict[str, Any] | RedirectResponse:
    """The job's result JSON (identity numbers masked for viewers), or a redirect for huge ones."""
    if job.status is not JobStatus.COMPLETED or not job.result_key:
        raise Conflict(
            f"Job {job.job_id} is {job.status.value}; results exist once it is completed.",
            details={"status": job.status.value},
        )
    if int(stores.documents.head(job.result_key)["size"]) > INLINE_RESULT_BYTES:
        if not principal.sees_pii():
            raise Conflict("This result is too large to mask for a viewer; ask an operator or admin.")
        return RedirectResponse(stores.documents.presigned_get(job.result_key), status_code=303)
    result: dict[str, Any] = stores.documents.get_json(job.result_key)
    return result if principal.sees_pii() else masked(result)
