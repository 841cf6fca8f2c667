"""`paperlane export FILES...`: process PDFs on a fresh local stack, then export their records.

The local stack keeps its state in memory, so the documents to export are the files given; the export
itself runs the same code as GET /api/v1/export/* (filters, layouts, writers) against the stack's
DynamoDB tables. Documents are in the order given (creation order), so --start-index/--end-index pick
files by position.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXTENSIONS = {"xlsx": ".xlsx", "csv": ".csv", "json": ".ndjson"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="Process PDFs on the local stack and export their records.")
    p.add_argument("files", nargs="+", type=Path, help="PDF files, or folders to search for *.pdf")
    p.add_argument("--profile", required=True, help="Extraction profile, and the export's layout")
    p.add_argument("--format", choices=sorted(EXTENSIONS), default="xlsx", dest="fmt")
    p.add_argument("--out", type=Path, default=None, help="Output file (default whole_data.<ext>)")
    p.add_argument("--password", default=None, help="Password for encrypted PDFs")
    p.add_argument("--start-date", default=None, help="YYYY-MM-DD: documents created from this day (UTC)")
    p.add_argument("--end-date", default=None, help="YYYY-MM-DD: documents created up to this day (UTC)")
    p.add_argument("--start-index", type=int, default=0, help="First document, 0-based (default 0)")
    p.add_argument("--end-index", type=int, default=None, help="Stop before this document (0-based)")
    p.add_argument("--owner", default=None, help="Only jobs of this owner")
    p.add_argument("--timeout", type=float, default=900.0, help="Seconds to wait for processing")


def run_export(args: argparse.Namespace, files: list[Path]) -> tuple[Path, int]:
    """Returns the file written and its row count. Raises PaperlaneError (InvalidRequest, NotFound)."""
    from pydantic import ValidationError

    from paperlane import aws
    from paperlane.errors import InvalidRequest
    from paperlane.export import filters, service
    from paperlane.export.source import ExportSource
    from paperlane.local.quiet import quiet_logs
    from paperlane.local.runner import Run
    from paperlane.local.stack import LocalStack

    params = {
        "profile": args.profile,
        "start_date": args.start_date,
        "end_date": args.end_date,
        "start_index": args.start_index,
        "end_index": args.end_index,
    }
    try:
        query = filters.ExportQuery.model_validate({k: v for k, v in params.items() if v is not None})
    except ValidationError as exc:
        raise InvalidRequest(
            f"invalid filter: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}"
        ) from exc
    f = filters.parse(query, owner=args.owner)
    quiet_logs("ERROR")
    with LocalStack() as stack:
        run = Run.on(stack)
        jobs = [run.submit(path, profile=args.profile, password=args.password) for path in files]
        run.wait([j.job_id for j in jobs], timeout=args.timeout)
        source = ExportSource(run.stores.jobs, run.stores.records, aws.dynamodb(), run.settings.records_table)
        prepared = service.prepare(source, f, args.fmt)
        out: Path = args.out or Path(prepared.filename)
        rows = service.render(prepared.layout, prepared.rows, args.fmt, out)
    return out, rows
