"""The job: one document going through the pipeline, as users see it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from paperlane import clock


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class Stage(StrEnum):
    QUEUED = "queued"
    PREPARE = "prepare"
    TEXT = "text"
    OCR = "ocr"
    FINALIZE = "finalize"
    DONE = "done"


# How much of the bar each stage owns: text extraction dominates, so it gets most of it.
STAGE_PROGRESS: dict[Stage, tuple[int, int]] = {
    Stage.QUEUED: (0, 0),
    Stage.PREPARE: (0, 10),
    Stage.TEXT: (10, 50),
    Stage.OCR: (50, 90),
    Stage.FINALIZE: (90, 99),
    Stage.DONE: (100, 100),
}


class JobError(BaseModel):
    code: str
    message: str


class Job(BaseModel):
    model_config = ConfigDict(extra="ignore")

    job_id: str
    status: JobStatus = JobStatus.QUEUED
    profile: str
    filename: str
    source_key: str = Field(description="The original file in the documents bucket; always kept")
    sha256: str
    size_bytes: int
    priority: int = Field(default=2, ge=0, le=4)
    batch_id: str | None = None
    owner: str | None = None
    auto_process: bool = True
    origin: str = "upload"
    options: dict[str, Any] = Field(default_factory=dict, description="The profile's options, as given")
    created_at: str = Field(default_factory=clock.iso)
    updated_at: str = Field(default_factory=clock.iso)
    started_at: str | None = None
    completed_at: str | None = None
    current_stage: Stage = Stage.QUEUED
    page_count: int | None = None
    pages_done: int = 0
    pages_needing_ocr: int = 0
    ocr_pages_total: int = 0
    ocr_pages_done: int = 0
    attempt: int = 0
    error: JobError | None = None
    result_key: str | None = None
    summary: dict[str, int | float | str] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress_percent(self) -> int:
        if self.status is JobStatus.COMPLETED:
            return 100
        low, high = STAGE_PROGRESS[self.current_stage]
        if self.current_stage is Stage.TEXT and self.page_count:
            return low + (high - low) * min(self.pages_done, self.page_count) // self.page_count
        if self.current_stage is Stage.OCR and self.ocr_pages_total:
            done = min(self.ocr_pages_done, self.ocr_pages_total)
            return low + (high - low) * done // self.ocr_pages_total
        return low

    @computed_field  # type: ignore[prop-decorator]
    @property
    def processing_time(self) -> float | None:
        """Seconds from the pipeline's start to its end (or to now, while it runs)."""
        if not self.started_at:
            return None
        end = clock.parse(self.completed_at) if self.completed_at else clock.now()
        return round((end - clock.parse(self.started_at)).total_seconds(), 3)


class Batch(BaseModel):
    batch_id: str
    name: str | None = None
    owner: str | None = None
    profile: str
    priority: int = Field(default=2, ge=0, le=4)
    job_ids: list[str] = Field(default_factory=list)
    created_at: str = Field(default_factory=clock.iso)
