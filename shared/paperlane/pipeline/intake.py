"""Intake: an object under inbox/ becomes a job, and its execution starts.

Every path ends here (upload API, presigned POST, drop folder, downloader), through
S3 -> EventBridge -> SQS -> this code. Objects that already name their job (the upload API made it)
are only started; others get a job from their content hash and profile.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, Field

from paperlane import ids, profiles
from paperlane.config import PipelineSettings
from paperlane.errors import NotFound
from paperlane.jobs import Job, JobStatus
from paperlane.observability import logger
from paperlane.pipeline import submission
from paperlane.pipeline.context import Stores
from paperlane.storage.documents import INBOX

# inbox/<profile>/web/<source_id>/...: files the scheduled downloader stored (paperlane.fetch.run).
WEB_FOLDER = "web"


class S3ObjectCreated(BaseModel):
    """The part of an EventBridge "Object Created" event intake needs."""

    bucket: str
    key: str
    size: int = Field(default=0, ge=0)

    @classmethod
    def from_eventbridge(cls, event: dict[str, Any]) -> S3ObjectCreated:
        detail = event["detail"]
        return cls(
            bucket=detail["bucket"]["name"],
            key=detail["object"]["key"],
            size=int(detail["object"].get("size", 0)),
        )


class InboxKey(BaseModel):
    """What an inbox key says about its document. Keys carry it, not object metadata: S3 events can
    arrive before metadata is readable (moto sends them first), and drop folders have none.

    - ``inbox/<job_id>/<file>``: stored by the upload API, whose job already exists;
    - ``inbox/<profile>/<batch_id>/<file>``: a presigned POST upload (the batch holds owner and priority);
    - ``inbox/<profile>/web/<source_id>/.../<file>``: the scheduled downloader (paperlane.fetch);
    - ``inbox/<profile>/<file>`` or ``inbox/<file>``: the drop folder.
    """

    job_id: str | None = None
    profile: str | None = None
    batch_id: str | None = None
    filename: str
    origin: str = "inbox"

    @classmethod
    def parse(cls, key: str) -> InboxKey:
        parts = [p for p in key[len(INBOX) :].split("/") if p]
        filename = parts[-1] if parts else "document.pdf"
        folders = parts[:-1]
        if folders and ids.is_job_id(folders[0]):
            return cls(job_id=folders[0], filename=filename)
        if len(folders) > 1 and ids.is_batch_id(folders[1]):
            # A presigned upload. Its batch is what counts (custom profiles included); see accept().
            return cls(profile=folders[0], batch_id=folders[1], filename=filename)
        if len(folders) > 2 and folders[1] == WEB_FOLDER:
            # The downloader checked the profile (custom ones included) when the source was saved.
            return cls(profile=folders[0], filename=filename, origin="download")
        profile = folders[0] if folders and folders[0] in profiles.names() else None
        return cls(profile=profile, filename=filename)


def accept(stores: Stores, settings: PipelineSettings, obj: S3ObjectCreated) -> Job | None:
    if obj.bucket != stores.documents.bucket or not obj.key.startswith(INBOX):
        logger.warning("Ignoring an object outside the inbox", extra={"bucket": obj.bucket})
        return None
    where = InboxKey.parse(obj.key)
    if where.job_id:
        job = stores.jobs.find(where.job_id)
        if job is not None:
            return _start_if_wanted(stores, settings, job)

    try:
        size = int(stores.documents.head(obj.key)["size"])
    except NotFound:
        # Deleted before we got to it: nothing to process, and retrying would not bring it back.
        logger.warning("Inbox object vanished before intake", extra={"key_prefix": obj.key[:6]})
        return None
    batch = stores.jobs.find_batch(where.batch_id) if where.batch_id else None
    named = where.profile if where.profile in profiles.names() else None
    if named is None and where.origin == "download" and where.profile:
        named = where.profile if stores.profiles.get(where.profile) is not None else None
    profile = (batch.profile if batch else None) or named or settings.default_profile
    if size > settings.max_file_bytes:
        # Never read a file we would refuse: its id comes from its key and size instead of its content.
        sha = hashlib.sha256(f"{obj.key}:{size}".encode()).hexdigest()
    else:
        sha = hashlib.sha256(stores.documents.get_bytes(obj.key)).hexdigest()
    job_id = ids.job_id_for(sha, profile)
    job = Job(
        job_id=job_id,
        profile=profile,
        filename=where.filename,
        source_key=obj.key,
        sha256=sha,
        size_bytes=size,
        priority=batch.priority if batch else 2,
        batch_id=batch.batch_id if batch else None,
        owner=batch.owner if batch else None,
        origin="presigned" if batch else where.origin,
    )
    if not stores.jobs.create(job):
        existing = stores.jobs.get(job_id)
        logger.info(
            "Duplicate document: no new job", extra={"job_id": job_id, "status": existing.status.value}
        )
        return _start_if_wanted(stores, settings, existing)
    if batch:
        stores.jobs.add_to_batch(batch.batch_id, job_id)
    logger.info("Job created", extra={"job_id": job_id, "profile": profile, "origin": job.origin})
    return submission.start(stores, settings, job_id)


def _start_if_wanted(stores: Stores, settings: PipelineSettings, job: Job) -> Job:
    if job.status is JobStatus.QUEUED and job.auto_process:
        return submission.start(stores, settings, job.job_id)
    return job
