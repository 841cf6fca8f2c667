"""`paperlane export`: records as Excel, CSV or NDJSON, with the filters of GET /api/v1/export/*.

Two forms:

- ``paperlane export [--api URL] [filters]`` (no FILE): download from a running API, by default the
  local ``paperlane serve`` (its moto state lives in that process), with ``PAPERLANE_TOKEN`` or
  ``PAPERLANE_API_KEY`` as ``paperlane fetch`` does. Large exports come from the presigned URL the API
  redirects to (fetched without our credentials); one too large for a request is run as an
  asynchronous export (POST /api/v1/exports) and downloaded once it is ready. The file is written to
  ``--out``, by default under the server's filename.
- ``paperlane export FILE... --profile P [filters]``: process the files on a fresh in-memory local stack,
  then export them with the API's code against that stack's tables. The documents are the files given,
  in that order (creation order), so --start-index/--end-index pick files by position; batch filters
  have no meaning there.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from paperlane.cli.fetch import DEFAULT_API, client_for

if TYPE_CHECKING:
    import httpx

    from paperlane.export.filters import ExportQuery

EXTENSIONS = {"xlsx": ".xlsx", "csv": ".csv", "json": ".ndjson"}
# --format -> the API's export route.
ROUTES = {"xlsx": "excel", "csv": "csv", "json": "json"}
EXIT_USAGE = 2


class ExportFailed(Exception):
    """The export could not be made; ``code`` is the exit status (1, or 2 for a refused request)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="Export records: from a running `paperlane serve` (or --api), or of PDFs given as FILE.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="PDF files or folders: process them on a fresh local stack and export those (no API)",
    )
    p.add_argument(
        "--api",
        default=None,
        help=f"The API to export from (default {DEFAULT_API}), as $PAPERLANE_TOKEN or $PAPERLANE_API_KEY",
    )
    p.add_argument(
        "--profile", default=None, help="The export's layout (with FILE: also the extraction profile)"
    )
    p.add_argument("--format", choices=sorted(EXTENSIONS), default="xlsx", dest="fmt")
    p.add_argument("--out", type=Path, default=None, help="Output file (default: the server's filename)")
    p.add_argument("--download-type", choices=["all", "batch", "dateRange"], default=None)
    p.add_argument("--batch-ids", default=None, help="Comma-separated batch ids (download type batch)")
    p.add_argument("--batch-names", default=None, help="Comma-separated batch names (download type batch)")
    p.add_argument("--start-date", default=None, help="YYYY-MM-DD: documents created from this day (UTC)")
    p.add_argument("--end-date", default=None, help="YYYY-MM-DD: documents created up to this day (UTC)")
    p.add_argument("--start-index", type=int, default=None, help="First document, 0-based (default 0)")
    p.add_argument("--end-index", type=int, default=None, help="Stop before this document (0-based)")
    p.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help="Seconds to wait: for processing (FILE) or for an asynchronous export (API)",
    )
    local = p.add_argument_group("with FILE only")
    local.add_argument("--password", default=None, help="Password for encrypted PDFs")
    local.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE", help="A profile option (repeatable)"
    )
    local.add_argument("--owner", default=None, help="Only jobs of this owner")


def export_query(args: argparse.Namespace) -> ExportQuery:
    """The filters as the API's query model; InvalidRequest naming the bad one."""
    from pydantic import ValidationError

    from paperlane.errors import InvalidRequest
    from paperlane.export.filters import ExportQuery

    names = ("profile", "download_type", "batch_ids", "batch_names", "start_date", "end_date")
    params: dict[str, Any] = {n: getattr(args, n) for n in (*names, "start_index", "end_index")}
    try:
        return ExportQuery.model_validate({k: v for k, v in params.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        flag = "--" + str(error["loc"][0]).replace("_", "-")
        raise InvalidRequest(f"{flag}: {error['msg']}") from exc


# ------------------------------------------------------------------------------------- from the API


def export_from_api(args: argparse.Namespace) -> int:
    import httpx

    from paperlane.errors import InvalidRequest

    try:
        query = export_query(args)
    except InvalidRequest as exc:
        print(f"paperlane export: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    api = args.api or DEFAULT_API
    with client_for(api) as client:
        try:
            out, rows = download(client, query, args.fmt, args.out, timeout=args.timeout)
        except httpx.TransportError as exc:
            print(
                f"paperlane export: cannot reach {api} ({type(exc).__name__}). Is `paperlane serve` running?",
                file=sys.stderr,
            )
            return 1
        except ExportFailed as exc:
            print(f"paperlane export: {exc.message}", file=sys.stderr)
            return exc.code
    print(f"Wrote {out}" + (f" ({rows} rows)" if rows is not None else ""), file=sys.stderr)
    return 0


def download(
    client: httpx.Client,
    query: ExportQuery,
    fmt: str,
    out: Path | None,
    *,
    timeout: float,
    poll: float = 0.5,
    progress: IO[str] | None = None,
) -> tuple[Path, int | None]:
    """GET the export; follow its presigned URL, or run it asynchronously when the API says it is too
    large for one request. Returns the file written and the main sheet's rows (when the API says)."""
    params = query.model_dump(mode="json", exclude_defaults=True)
    with client.stream("GET", f"/api/v1/export/{ROUTES[fmt]}", params=params, follow_redirects=False) as r:
        if r.status_code == 200:
            rows = r.headers.get("x-export-rows")
            return _save(r, out), int(rows) if rows else None
        r.read()
        if r.status_code == 303:
            return _fetch_presigned(r.headers["location"], out), None
        if r.status_code == 413 and _code(r) == "EXPORT_TOO_LARGE":
            print(f"paperlane export: {_message(r)} Running it asynchronously.", file=progress or sys.stderr)
            return _run_async(client, params, fmt, out, timeout=timeout, poll=poll)
        raise _refusal(r)


def _run_async(
    client: httpx.Client, params: dict[str, Any], fmt: str, out: Path | None, *, timeout: float, poll: float
) -> tuple[Path, int | None]:
    started = client.post("/api/v1/exports", json={**params, "format": fmt})
    if started.status_code != 202:
        raise _refusal(started)
    status_url = started.json()["status_url"]
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(status_url)
        if status.status_code != 200:
            raise _refusal(status)
        body = status.json()
        if body["status"] == "completed":
            return _fetch_presigned(body["url"], out), body.get("rows")
        if body["status"] == "failed":
            error = body.get("error") or {}
            raise ExportFailed(f"the export failed: {error.get('code')}: {error.get('message')}")
        if time.monotonic() > deadline:
            raise ExportFailed(f"the export is still {body['status']} after {timeout:g} s: GET {status_url}")
        time.sleep(poll)


def _fetch_presigned(url: str, out: Path | None) -> Path:
    # A fresh client: our credentials must never travel to the storage service.
    import httpx

    with httpx.Client(timeout=httpx.Timeout(60, read=900)) as plain, plain.stream("GET", url) as r:
        if r.status_code != 200:
            r.read()
            raise ExportFailed(f"downloading the export failed: HTTP {r.status_code} {r.text[:200]}")
        return _save(r, out)


def _save(response: httpx.Response, out: Path | None) -> Path:
    """Stream the body to ``out`` (default: the Content-Disposition filename) through a temporary file,
    so a broken download leaves no partial file behind."""
    target = out or Path(filename_from(response.headers.get("content-disposition", "")) or "export")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in response.iter_bytes():
                fh.write(chunk)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_FILENAME = re.compile(r'filename="?([^";]+)"?')


def filename_from(disposition: str) -> str | None:
    """The file name of an attachment, without any directory part."""
    match = _FILENAME.search(disposition)
    return Path(match.group(1)).name if match else None


def _code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def _message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code} {response.text[:200]}"


def _refusal(response: httpx.Response) -> ExportFailed:
    # Parameters the API refuses are usage errors (2); nothing to export, or no access, is 1.
    return ExportFailed(_message(response), EXIT_USAGE if response.status_code in (400, 422) else 1)


# ------------------------------------------------------------------------------------- of given files


def export_files(args: argparse.Namespace, files: list[Path], options: dict[str, Any]) -> tuple[Path, int]:
    """Returns the file written and its row count. Raises PaperlaneError (InvalidRequest, NotFound)."""
    from paperlane import aws
    from paperlane.errors import InvalidRequest
    from paperlane.export import filters, service
    from paperlane.export.source import ExportSource
    from paperlane.local.quiet import quiet_logs
    from paperlane.local.runner import Run
    from paperlane.local.stack import LocalStack

    if args.api:
        raise InvalidRequest("--api exports what a running API holds: leave out FILE, or --api.")
    if args.batch_ids or args.batch_names or args.download_type == "batch":
        raise InvalidRequest(
            "batch filters select batches of a running `paperlane serve`: leave out FILE to export from it."
        )
    f = filters.parse(export_query(args), owner=args.owner)
    quiet_logs("ERROR")
    with LocalStack() as stack:
        run = Run.on(stack)
        jobs = [
            run.submit(path, profile=args.profile, password=args.password, options=options) for path in files
        ]
        run.wait([j.job_id for j in jobs], timeout=args.timeout)
        source = ExportSource(
            run.stores.jobs,
            run.stores.records,
            aws.dynamodb(),
            run.settings.records_table,
            jobs_table=run.settings.jobs_table,
        )
        prepared = service.prepare(source, f, args.fmt)
        out: Path = args.out or Path(prepared.filename)
        rows = service.render(prepared.layout, prepared.rows, args.fmt, out)
    return out, rows
