"""The batch output contract: one object per input file, whatever its fate (../shared/samples/README.md)."""

from __future__ import annotations

from typing import Any

from paperlane.jobs import Job, JobStatus


def document_entry(file: str, job: Job, result: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "file": file,
        "job_id": job.job_id,
        "status": job.status.value,
        "profile": job.profile,
    }
    if job.error is not None:
        entry["error"] = job.error.model_dump()
    elif job.status is not JobStatus.COMPLETED:
        entry["error"] = {"code": "NOT_FINISHED", "message": f"The job is still {job.status.value}."}
    if result is not None:
        entry.update({k: v for k, v in result.items() if k not in ("job_id", "profile")})
    return entry
