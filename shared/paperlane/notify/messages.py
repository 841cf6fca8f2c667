"""What clients hear: the message envelope, each message's data, and the messages a job change makes.

Every message, over a WebSocket or (as ``{event, timestamp, data, delivery_id}``) in a webhook, is
``{"type", "data", "timestamp"}``. Job messages always carry ``job_id`` (and ``batch_id`` when the job
belongs to one), so a client subscribed to several jobs can tell them apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from paperlane import clock
from paperlane.errors import PaperlaneError
from paperlane.jobs import Job, JobError, JobStatus


class MessageType(StrEnum):
    PROCESSING_STARTED = "processing_started"
    PROCESSING_PROGRESS = "processing_progress"
    PROCESSING_COMPLETED = "processing_completed"
    PROCESSING_FAILED = "processing_failed"
    FILE_DETECTED = "file_detected"
    DOWNLOAD_COMPLETED = "download_completed"
    SYSTEM_ERROR = "system_error"
    CONFIG_CHANGED = "config_changed"
    ECHO = "echo"
    # Replies to a client's own requests, and the current state a (late) subscriber gets first.
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    JOB_STATE = "job_state"
    ERROR = "error"


class Message(BaseModel):
    type: MessageType
    data: dict[str, Any]
    timestamp: str = Field(default_factory=clock.iso)

    def to_json(self) -> str:
        return self.model_dump_json()


# ---------------------------------------------------------------------------- data of each message


class _JobData(BaseModel):
    job_id: str
    batch_id: str | None = None


class ProcessingStarted(_JobData):
    filename: str
    profile: str


class ProcessingProgress(_JobData):
    progress: int = Field(ge=0, le=100)
    stage: str
    estimated_remaining: float | None = Field(
        default=None, description="Seconds, extrapolated from the time taken so far; null until known"
    )


class ProcessingCompleted(_JobData):
    result: dict[str, int | float | str] = Field(description="The job's summary (counts per profile)")
    processing_time: float | None


class ProcessingFailed(_JobData):
    error: JobError


class JobState(_JobData):
    """A job as it is now: the first thing a subscriber hears about it."""

    status: JobStatus
    progress: int
    stage: str
    updated_at: str = Field(description="Discard live messages older than this")
    error: JobError | None = None
    result: dict[str, int | float | str] | None = None


class FileDetected(BaseModel):
    job_id: str
    filename: str
    source: str = Field(description="drop_folder (inbox/, or `paperlane serve --inbox`) or downloader")
    size_bytes: int | None = None


class DownloadCompleted(BaseModel):
    source_id: str
    url: str
    files: int = Field(ge=0, description="New PDFs stored in the inbox by this download")
    skipped: int = Field(default=0, ge=0, description="PDFs found but already downloaded or refused")


class SystemErrorData(BaseModel):
    code: str
    message: str
    job_id: str | None = Field(default=None, description="The job the error stopped, when there is one")


class ConfigChanged(BaseModel):
    kind: str = Field(description="webhook, team_alias or profile")
    action: str = Field(description="created or deleted")
    name: str = Field(description="The webhook's id, the alias or the profile's name")
    by: str | None = Field(default=None, description="The user or API key that made the change")


class ErrorData(BaseModel):
    code: str
    message: str


def message(kind: MessageType, data: BaseModel | dict[str, Any], *, timestamp: str | None = None) -> Message:
    payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    return Message(type=kind, data=payload, timestamp=timestamp or clock.iso())


# ---------------------------------------------------------------------------- derivation from the stream


INTERNAL_ERROR = PaperlaneError.code
# Jobs nobody asked for through the API: a file that turned up is news (file_detected).
_DETECTED_ORIGINS = {"inbox": "drop_folder", "download": "downloader"}


def messages_for_change(old: Job | None, new: Job) -> list[Message]:
    """The messages one change of a job item makes (old is None for an insert).

    Cancellation is reported as ``processing_failed`` with code ``CANCELLED``: for a client waiting on
    the job the outcome is the same (no result), and the protocol stays small. Progress messages are
    made for every visible change here; rate limiting is the caller's (paperlane.notify.throttle).
    """
    at = new.updated_at
    if new.status is JobStatus.RUNNING:
        found: list[Message] = []
        if old is None or old.status is not JobStatus.RUNNING:
            found.append(message(MessageType.PROCESSING_STARTED, _started(new), timestamp=at))
        moved = old is None or old.progress_percent != new.progress_percent
        moved = moved or (old is not None and old.current_stage != new.current_stage)
        # Entering the first stage at 0% is "started" alone; after that, every visible change counts.
        was_running = old is not None and old.status is JobStatus.RUNNING
        if moved and (new.progress_percent > 0 or was_running):
            found.append(message(MessageType.PROCESSING_PROGRESS, progress_of(new), timestamp=at))
        return found
    if old is not None and old.status is new.status:
        return []  # a terminal or queued job touched again (e.g. its execution ARN recorded)
    if new.status is JobStatus.COMPLETED:
        data = ProcessingCompleted(
            job_id=new.job_id,
            batch_id=new.batch_id,
            result=dict(new.summary),
            processing_time=_elapsed(new, new.completed_at),
        )
        return [message(MessageType.PROCESSING_COMPLETED, data, timestamp=at)]
    if new.status is JobStatus.FAILED:
        error = new.error or JobError(code=INTERNAL_ERROR, message="The job failed.")
        data_failed = ProcessingFailed(job_id=new.job_id, batch_id=new.batch_id, error=error)
        failed = [message(MessageType.PROCESSING_FAILED, data_failed, timestamp=at)]
        if error.code == INTERNAL_ERROR:
            # Not the document's fault (that has its own code): the operators' business too.
            fault = SystemErrorData(code=error.code, message=error.message, job_id=new.job_id)
            failed.append(message(MessageType.SYSTEM_ERROR, fault, timestamp=at))
        return failed
    if new.status is JobStatus.CANCELLED:
        cancelled = JobError(code="CANCELLED", message="The job was cancelled.")
        data_cancelled = ProcessingFailed(job_id=new.job_id, batch_id=new.batch_id, error=cancelled)
        return [message(MessageType.PROCESSING_FAILED, data_cancelled, timestamp=at)]
    if old is None and new.origin in _DETECTED_ORIGINS:
        detected = FileDetected(
            job_id=new.job_id,
            filename=new.filename,
            source=_DETECTED_ORIGINS[new.origin],
            size_bytes=new.size_bytes,
        )
        return [message(MessageType.FILE_DETECTED, detected, timestamp=new.created_at)]
    return []  # queued: created, or reset for a re-run; "started" follows when it runs


def progress_of(job: Job) -> ProcessingProgress:
    progress = job.progress_percent
    elapsed = _elapsed(job, job.updated_at)
    remaining = None
    if elapsed is not None and 0 < progress < 100:
        remaining = round(elapsed * (100 - progress) / progress, 1)
    return ProcessingProgress(
        job_id=job.job_id,
        batch_id=job.batch_id,
        progress=progress,
        stage=job.current_stage.value,
        estimated_remaining=remaining,
    )


def state_of(job: Job) -> Message:
    data = JobState(
        job_id=job.job_id,
        batch_id=job.batch_id,
        status=job.status,
        progress=job.progress_percent,
        stage=job.current_stage.value,
        updated_at=job.updated_at,
        error=job.error,
        result=dict(job.summary) if job.status is JobStatus.COMPLETED else None,
    )
    return message(MessageType.JOB_STATE, data)


def error(code: str, text: str) -> Message:
    return message(MessageType.ERROR, ErrorData(code=code, message=text))


def _started(job: Job) -> ProcessingStarted:
    return ProcessingStarted(
        job_id=job.job_id, batch_id=job.batch_id, filename=job.filename, profile=job.profile
    )


def _elapsed(job: Job, until: str | None) -> float | None:
    # From the item's own timestamps, not the clock: a stream record may be read seconds after the change.
    if not job.started_at or not until:
        return None
    return round(max(0.0, (clock.parse(until) - clock.parse(job.started_at)).total_seconds()), 3)
