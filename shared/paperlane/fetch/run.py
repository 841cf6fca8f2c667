"""A source's run: fetch its URL, take the PDF (or the PDFs an HTML page links), skip what already has a
job, store the rest under ``inbox/<profile>/web/<source_id>/``, record the outcome on the source and
tell subscribers (``download_completed``, or ``system_error`` when the run failed).

Each PDF is stored under ``<sha256 prefix>/<file name>``: a file whose content changes behind the same
URL is a new object, so the original of every job stays as it was processed. Intake makes the jobs
(S3 -> EventBridge -> SQS), with the origin ``download``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from paperlane import aws, clock, ids, profiles
from paperlane.config import FetchSettings
from paperlane.errors import PaperlaneError, TooLarge
from paperlane.fetch.download import Downloader, Fetched
from paperlane.fetch.errors import FetchError, FetchNotPdf, OutOfTime, UnknownProfile
from paperlane.fetch.guard import shown
from paperlane.fetch.links import pdf_links
from paperlane.fetch.sources import RunError, Source, SourceRun
from paperlane.notify.messages import DownloadCompleted, MessageType, SystemErrorData
from paperlane.observability import logger
from paperlane.pipeline.context import Stores, stores
from paperlane.pipeline.intake import WEB_FOLDER
from paperlane.storage.documents import INBOX, safe_filename
from paperlane.storage.events import EventOutbox

# What a failed link can be: the run goes on with the next one.
_LINK_ERRORS = (FetchError, TooLarge)
# No new download starts with less time than this left: the run's outcome must still be recorded.
RESERVE_SECONDS = 60.0


def inbox_prefix(source: Source) -> str:
    return f"{INBOX}{source.profile}/{WEB_FOLDER}/{source.source_id}/"


def source_ids_of(event: Any) -> list[str] | None:
    """The sources an invocation asks for: ``{"source_id": ...}`` or ``{"source_ids": [...]}``; None
    (every enabled source) for the schedule's event."""
    if not isinstance(event, dict):
        return None
    if isinstance(event.get("source_id"), str):
        return [event["source_id"]]
    wanted = event.get("source_ids")
    if isinstance(wanted, list) and all(isinstance(s, str) for s in wanted):
        return list(wanted)
    return None


@dataclass
class _Tally:
    keys: list[str] = field(default_factory=list)
    skipped: int = 0
    failures: list[tuple[str, PaperlaneError]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class Fetcher:
    def __init__(self, stores: Stores, outbox: EventOutbox, downloader: Downloader) -> None:
        self._stores = stores
        self._outbox = outbox
        self._downloader = downloader

    def run(
        self, source_ids: Sequence[str] | None = None, *, seconds_left: float | None = None
    ) -> list[SourceRun]:
        """Run the named sources (even disabled ones: someone asked), or every enabled source, one after
        another. ``seconds_left``: the invocation's remaining time (no download starts near its end)."""
        deadline = None if seconds_left is None else time.monotonic() + seconds_left - RESERVE_SECONDS
        if source_ids is None:
            return [self.run_source(s, deadline) for s in self._stores.sources.list() if s.enabled]
        runs = []
        for source_id in source_ids:
            source = self._stores.sources.get(source_id)
            if source is None:
                message = f"No source named {source_id!r}."
                runs.append(
                    SourceRun(source_id=source_id, url="", status="error", error=_error("NOT_FOUND", message))
                )
                continue
            runs.append(self.run_source(source, deadline))
        return runs

    def run_source(self, source: Source, deadline: float | None = None) -> SourceRun:
        """One source, whatever happens to it: its failure is recorded, never raised."""
        try:
            _check_time(deadline, "this source")
            run = self._fetch(source, deadline)
        except PaperlaneError as exc:
            run = SourceRun(
                source_id=source.source_id,
                url=source.url,
                status="error",
                error=_error(exc.code, exc.message),
            )
        except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
            logger.exception("Source run failed", extra={"source_id": source.source_id})
            message = f"An internal error stopped this run ({type(exc).__name__}); it has been logged."
            run = SourceRun(
                source_id=source.source_id,
                url=source.url,
                status="error",
                error=_error("INTERNAL_ERROR", message),
            )
        self._stores.sources.record_run(run, clock.iso())
        self._announce(run)
        logger.info(
            "Source fetched",
            extra={
                "source_id": run.source_id,
                "status": run.status,
                "files": run.files,
                "skipped": run.skipped,
                "failed": run.failed,
                "error_code": run.error.code if run.error else None,
            },
        )
        return run

    def _fetch(self, source: Source, deadline: float | None) -> SourceRun:
        if not self._profile_exists(source.profile):
            raise UnknownProfile(f"The profile {source.profile!r} no longer exists: choose another one.")
        page = self._downloader.get(source.url)
        tally = _Tally()
        if page.is_pdf:
            self._store(source, page, tally)
        elif page.is_html:
            links = pdf_links(page.text(), page.url, limit=source.max_files)
            if not links:
                raise FetchNotPdf(
                    f"{shown(page.url)} is an HTML page that links no PDF (no href ending in .pdf)."
                )
            for link in links:
                try:
                    _check_time(deadline, shown(link))
                    fetched = self._downloader.get(link)
                    if not fetched.is_pdf:
                        raise FetchNotPdf(
                            f"{shown(fetched.url)} is not a PDF ({fetched.content_type or 'no type'})."
                        )
                except _LINK_ERRORS as exc:
                    tally.failures.append((link, exc))
                    continue
                self._store(source, fetched, tally)
        else:
            kind = page.content_type or "no Content-Type"
            raise FetchNotPdf(f"{shown(page.url)} is neither a PDF nor an HTML page ({kind}).")
        return _outcome(source, tally)

    def _store(self, source: Source, fetched: Fetched, tally: _Tally) -> None:
        sha = hashlib.sha256(fetched.body).hexdigest()
        job_id = ids.job_id_for(sha, source.profile)
        if sha in tally.seen or self._stores.jobs.find(job_id) is not None:
            tally.skipped += 1
            return
        tally.seen.add(sha)
        key = f"{inbox_prefix(source)}{sha[:16]}/{safe_filename(fetched.filename())}"
        self._stores.documents.put_bytes(key, fetched.body, metadata={"paperlane-source": source.source_id})
        tally.keys.append(key)

    def _profile_exists(self, name: str) -> bool:
        return profiles.is_built_in(name) or self._stores.profiles.get(name) is not None

    def _announce(self, run: SourceRun) -> None:
        if run.status == "ok":
            # skipped, for subscribers: every PDF found but not stored (known, or not downloadable).
            data = DownloadCompleted(
                source_id=run.source_id, url=run.url, files=run.files, skipped=run.skipped + run.failed
            )
            self._outbox.record(MessageType.DOWNLOAD_COMPLETED, data)
        elif run.error is not None:
            message = f"Source {run.source_id!r}: {run.error.message}"
            self._outbox.record(
                MessageType.SYSTEM_ERROR, SystemErrorData(code=run.error.code, message=message)
            )


def _outcome(source: Source, tally: _Tally) -> SourceRun:
    found = len(tally.keys) + tally.skipped
    error = None
    if tally.failures:
        _, exc = tally.failures[0]
        total = found + len(tally.failures)
        what = f"{len(tally.failures)} of {total} linked PDFs could not be downloaded"
        error = _error(exc.code, f"{what}; the first: {exc.message}")
    return SourceRun(
        source_id=source.source_id,
        url=source.url,
        # A page whose every link failed has given nothing: that is a failed run.
        status="ok" if found or not tally.failures else "error",
        files=len(tally.keys),
        skipped=tally.skipped,
        failed=len(tally.failures),
        error=error,
        keys=tally.keys,
    )


def _check_time(deadline: float | None, what: str) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise OutOfTime(f"The run ran out of time before {what}; the next run tries again.")


def _error(code: str, message: str) -> RunError:
    return RunError(code=code, message=message)


def fetcher_for(settings: FetchSettings) -> Fetcher:
    # Stores and boto3 clients are cached where they are made (and reset by the local stack).
    return Fetcher(stores(settings), EventOutbox(aws.dynamodb(), settings.jobs_table), _downloader(settings))


@lru_cache(maxsize=8)
def _downloader(settings: FetchSettings) -> Downloader:
    return Downloader(
        max_bytes=settings.max_file_bytes,
        timeout_seconds=settings.fetch_timeout_seconds,
        allow_loopback=settings.fetch_allow_loopback,
    )
