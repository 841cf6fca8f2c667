"""Asynchronous exports: exports of any size, beyond what a request can write within API Gateway's 29 s.

- ``start`` (POST /api/v1/exports) checks the filters and that something matches (400 and 404 come
  at once), writes the export's status as ``queued`` to ``exports/<export_id>/status.json`` and
  invokes the export worker function asynchronously with ``{"export_id"}`` (on the local stack moto
  runs it before answering).
- ``run`` (the worker, Timeout 900 s) streams the export into a temporary file, uploads it to
  ``exports/<export_id>/<filename>`` and marks it ``completed`` with its rows; ``running`` status
  carries the rows written so far, refreshed every few seconds. Failures are recorded as ``failed``
  with a stable code and are not retried (the worker's async retries are off: a rerun would redo it).
- ``status`` (GET /api/v1/exports/{export_id}) reads the status back, for its requester (or an
  admin), with a presigned URL once completed. A ``running`` export whose status has not moved for
  STALE_SECONDS died with its worker (timeout, crash): it is reported ``failed`` with ``TIMEOUT``.

The status lives beside the file, so the bucket's exports/ lifecycle rule expires both together.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from paperlane import clock
from paperlane.config import ExportSettings
from paperlane.errors import NotFound, PaperlaneError
from paperlane.export import filters, service
from paperlane.export.filters import ExportFormat, ExportRequest
from paperlane.export.layout import SheetRow, main_sheet
from paperlane.export.source import ExportSource
from paperlane.export.store import PREFIX, ExportStore
from paperlane.observability import logger

ExportState = Literal["queued", "running", "completed", "failed"]
# The worker refreshes a running export's status at most this often...
PROGRESS_SECONDS = 5.0
# ... so one unchanged for this long has lost its worker (the worker's Timeout is 900 s).
STALE_SECONDS = 300.0


class ExportStatus(BaseModel):
    """What is stored in exports/<export_id>/status.json."""

    export_id: str
    status: ExportState
    format: ExportFormat
    request: dict[str, Any] = Field(description="The filters as given")
    requested_by: str
    # Whose documents the export may hold: the requester's (operators), None for everyone's (admins).
    owner: str | None = None
    filename: str
    rows: int = 0
    key: str | None = None
    error: dict[str, str] | None = None
    created_at: str
    updated_at: str


Invoker = Callable[[dict[str, Any]], None]


def status_key(export_id: str) -> str:
    return f"{PREFIX}{export_id}/status.json"


def new_export_id() -> str:
    return uuid.uuid4().hex


def _save(store: ExportStore, status: ExportStatus) -> ExportStatus:
    store.put_json(status_key(status.export_id), status.model_dump(mode="json"))
    return status


def start(
    source: ExportSource,
    store: ExportStore,
    request: ExportRequest,
    *,
    requested_by: str,
    owner: str | None,
    invoke: Invoker,
) -> ExportStatus:
    """Check the request, record it and hand it to the worker. InvalidRequest and NotFound come now."""
    f = filters.parse(request, owner=owner)
    prepared = service.prepare(source, f, request.format)
    now = clock.iso()
    status = _save(
        store,
        ExportStatus(
            export_id=new_export_id(),
            status="queued",
            format=request.format,
            request=request.filters(),
            requested_by=requested_by,
            owner=owner,
            filename=prepared.filename,
            created_at=now,
            updated_at=now,
        ),
    )
    invoke({"export_id": status.export_id})
    return status


def load(store: ExportStore, export_id: str) -> ExportStatus:
    data = store.get_json(status_key(export_id))
    if data is None:
        raise NotFound(
            f"No export {export_id!r} (exports expire after two days).", details={"export_id": export_id}
        )
    return ExportStatus.model_validate(data)


def status(store: ExportStore, export_id: str, *, username: str, sees_all: bool) -> ExportStatus:
    """The export as its requester (or an admin) sees it; another user's is NotFound, as unknown ids."""
    current = load(store, export_id)
    if not sees_all and current.requested_by != username:
        raise NotFound(
            f"No export {export_id!r} (exports expire after two days).", details={"export_id": export_id}
        )
    if current.status in ("queued", "running") and _age(current.updated_at) > STALE_SECONDS:
        return current.model_copy(
            update={
                "status": "failed",
                "error": {
                    "code": "TIMEOUT",
                    "message": "The export stopped without finishing (its worker ran out of time). "
                    "Start it again.",
                },
            }
        )
    return current


def _age(iso: str) -> float:
    return (clock.now() - clock.parse(iso)).total_seconds()


def run(source: ExportSource, store: ExportStore, export_id: str) -> ExportStatus:
    """The worker: write the export to S3 and record the outcome. Returns the final status."""
    current = load(store, export_id)
    if current.status == "completed":  # a repeated invocation: done already
        return current
    current = _save(store, current.model_copy(update={"status": "running", "updated_at": clock.iso()}))
    try:
        request = ExportRequest.model_validate({**current.request, "format": current.format})
        prepared = service.prepare(source, filters.parse(request, owner=current.owner), current.format)
        rows = _reporting(
            prepared.rows, main_sheet(prepared.layout).name, lambda n: _progress(store, current, n)
        )
        with tempfile.TemporaryFile() as tmp:
            count = service.render(prepared.layout, rows, current.format, tmp)
            tmp.seek(0)
            key = f"{PREFIX}{export_id}/{prepared.filename}"
            store.upload(key, tmp, content_type=prepared.media_type, filename=prepared.filename)
    except PaperlaneError as exc:
        logger.warning("Export failed", extra={"export_id": export_id, "code": exc.code})
        return _save(store, _failed(current, exc.code, exc.message))
    except Exception:  # noqa: BLE001 - recorded as the export's outcome (async: nobody else hears it)
        logger.exception("Export failed unexpectedly", extra={"export_id": export_id})
        message = "An internal error stopped this export. It has been logged; start it again."
        return _save(store, _failed(current, PaperlaneError.code, message))
    done = current.model_copy(
        update={"status": "completed", "rows": count, "key": key, "updated_at": clock.iso()}
    )
    logger.info("Export completed", extra={"export_id": export_id, "rows": count})
    return _save(store, done)


def _failed(current: ExportStatus, code: str, message: str) -> ExportStatus:
    return current.model_copy(
        update={"status": "failed", "error": {"code": code, "message": message}, "updated_at": clock.iso()}
    )


def _progress(store: ExportStore, current: ExportStatus, rows: int) -> None:
    _save(store, current.model_copy(update={"rows": rows, "updated_at": clock.iso()}))


def _reporting(
    rows: Iterator[SheetRow], sheet: str, report: Callable[[int], None], *, every: float = PROGRESS_SECONDS
) -> Iterator[SheetRow]:
    """The rows, unchanged; ``report(main rows so far)`` at most every ``every`` seconds."""
    count = 0
    last = time.monotonic()
    for row in rows:
        if row.sheet.name == sheet:
            count += 1
            if count % 1000 == 0 and time.monotonic() - last >= every:
                report(count)
                last = time.monotonic()
        yield row


def lambda_invoker(function_name: str) -> Invoker:
    def invoke(event: dict[str, Any]) -> None:
        from paperlane import aws

        if not function_name:
            raise PaperlaneError(
                "EXPORT_WORKER_FUNCTION_NAME is not set: this deployment cannot run exports."
            )
        aws.client("lambda").invoke(
            FunctionName=function_name, InvocationType="Event", Payload=json.dumps(event).encode()
        )

    return invoke


def run_worker(settings: ExportSettings, export_id: str) -> ExportStatus:
    """The export worker function's work, from its settings."""
    from paperlane import aws
    from paperlane.pipeline.context import stores

    st = stores(settings)
    source = ExportSource(
        st.jobs, st.records, aws.dynamodb(), settings.records_table, jobs_table=settings.jobs_table
    )
    return run(source, ExportStore(aws.s3(), settings.documents_bucket), export_id)
