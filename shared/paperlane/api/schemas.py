"""Request and response bodies of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paperlane.jobs import Batch, Job, JobStatus


class UploadedJob(BaseModel):
    job_id: str
    filename: str
    status: JobStatus
    duplicate: bool = Field(description="This file and profile were already a job; no second job was made")
    status_url: str


class UploadResponse(BaseModel):
    """One file: job_id. Several: batch_id and job_ids. `jobs` lists every file either way."""

    job_id: str | None = None
    batch_id: str | None = None
    job_ids: list[str] = Field(default_factory=list)
    jobs: list[UploadedJob]


class PresignRequestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=255)
    size_bytes: int | None = Field(default=None, gt=0)


class PresignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: list[PresignRequestFile] = Field(min_length=1, max_length=100)
    profile: str = "generic"
    priority: int = Field(default=2, ge=0, le=4)
    batch_name: str | None = Field(default=None, max_length=200)


class PresignedUpload(BaseModel):
    filename: str
    key: str
    url: str
    fields: dict[str, str]


class PresignResponse(BaseModel):
    batch_id: str
    expires_in: int
    max_bytes: int
    uploads: list[PresignedUpload]


class ProcessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str | None = Field(default=None, max_length=1024)


class JobList(BaseModel):
    items: list[Job]
    count: int
    next_cursor: str | None


class BatchList(BaseModel):
    items: list[Batch]
    count: int
    next_cursor: str | None


class BatchDetail(Batch):
    counts: dict[str, int]
    jobs: list[Job]


class QueueCounts(BaseModel):
    counts: dict[str, int]
    total: int
    active: int = Field(description="queued + running")


class Health(BaseModel):
    status: str
    version: str
    profiles: list[str]
    time: str


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable: NOT_FOUND, INVALID_REQUEST, TOO_LARGE, ...")
    message: str = Field(description="What went wrong and what to do about it")
    details: dict[str, Any] = Field(default_factory=dict)
    timestamp: str


class ErrorEnvelope(BaseModel):
    """Every error response."""

    error: ErrorBody
