"""Sale-deed workbook rows/s against a bare openpyxl write-only loop, and memory.

    uv run python bench/export.py [--rows 200000] [--service-rows 20000]

Two comparisons, each side in its own process:

1. The writer: both sides write the same rows (invented deeds, 1 seller + 2 buyers each, flattened by
   the sale_deed layout) to a write-only workbook on disk. The bare loop appends the plain values;
   ours is the export writer (safe text, per-column styles, borders, wrap, widths from a sample, row
   heights, freeze pane). So the ratio is the cost of making the workbook presentable and safe.
   Targets: ratio >= 0.7, peak memory <= 300 MB at 200,000 rows.
2. The service path, as GET /api/v1/export/excel runs it: the deeds stored as records in DynamoDB (on
   moto, the local stack's tables from template.yaml), read back through ExportSource (Query on the
   profile index, page by page), made into rows and written to a file; against the bare loop writing
   the same number of rows in the same run. moto's emulation of DynamoDB is slower than DynamoDB, so
   this ratio is a floor; fewer rows (--service-rows, 6,000) keep the run short: moto evaluates every
   Query page over the whole index, so its cost grows with the square of the rows.

Memory: the peak resident set size of the process (ru_maxrss), and its increase over the resident
size just before writing starts: what writing the export adds, whatever the interpreter held before.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RATIO_TARGET = 0.7
MEMORY_TARGET_MB = 300
_POOL = 500  # distinct deeds, cycled: generating records is not what is measured


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _documents(rows: int) -> Iterator[Any]:
    from paperlane.export import synthetic
    from paperlane.export.layout import Document, JobInfo

    rng = random.Random(2024)
    pool = [synthetic.deed(rng, sellers=1, buyers=2) for _ in range(_POOL)]
    for n, record in zip(range((rows + 2) // 3), itertools.cycle(pool), strict=False):
        yield Document(JobInfo(f"{n:032x}", f"deed_{n}.pdf", "2025-01-01T00:00:00.000Z"), {"deed": [record]})


def _ours(rows: int, out: Path) -> int:
    from paperlane.export.sale_deed import SaleDeedLayout
    from paperlane.export.xlsx import write_xlsx

    layout = SaleDeedLayout()
    return write_xlsx(layout, layout.rows(_documents(rows)), out)["Sale_Deeds"]


def _bare(rows: int, out: Path) -> int:
    from openpyxl import Workbook

    from paperlane.export.sale_deed import SALE_DEEDS, deed_rows

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sale_Deeds")
    ws.append(SALE_DEEDS.names)
    count = 0
    for sl_no, doc in enumerate(_documents(rows), start=1):
        for values in deed_rows(sl_no, doc.records["deed"][0]):
            ws.append(values)
            count += 1
    wb.save(out)
    return count


def _service(rows: int, out: Path) -> tuple[int, float, float]:
    """Seed the deeds as records on the local stack (untimed), then time the export service path."""
    import os

    from paperlane import aws
    from paperlane.config import ExportSettings
    from paperlane.export import service
    from paperlane.export.filters import ExportQuery, parse
    from paperlane.export.source import ExportSource
    from paperlane.jobs import Job, JobStatus
    from paperlane.local.quiet import quiet_logs
    from paperlane.local.stack import LocalStack
    from paperlane.pipeline.context import stores

    quiet_logs("ERROR")
    os.environ["PAPERLANE_HOME"] = tempfile.mkdtemp(prefix="bench-export-")
    with LocalStack(workers=0) as stack:
        settings = ExportSettings.model_validate(stack.api_environment())
        st = stores(settings)
        for n, doc in enumerate(_documents(rows)):
            created = f"2031-01-01T00:{n // 60000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}Z"
            job = Job(
                job_id=doc.job.job_id,
                status=JobStatus.COMPLETED,
                profile="sale_deed",
                filename=doc.job.filename,
                source_key="inbox/x.pdf",
                sha256="0" * 64,
                size_bytes=1,
                created_at=created,
            )
            st.jobs.create(job)
            st.records.replace(job.job_id, "sale_deed", created, "deed", doc.records["deed"])
        source = ExportSource(
            st.jobs, st.records, aws.dynamodb(), settings.records_table, jobs_table=settings.jobs_table
        )
        before = _rss_mb()
        start = time.perf_counter()
        f = parse(ExportQuery.model_validate({"profile": "sale_deed"}))
        prepared = service.prepare(source, f, "xlsx")
        written = service.render(prepared.layout, prepared.rows, "xlsx", out)
        return written, time.perf_counter() - start, before


def worker(side: str, rows: int) -> dict[str, float]:
    import openpyxl  # noqa: F401 - loaded before the baseline RSS is taken

    import paperlane.export.xlsx  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{side}.xlsx"
        before = _rss_mb()
        if side == "service":  # the stack is started and seeded first: measure from there
            written, seconds, before = _service(rows, out)
        else:
            start = time.perf_counter()
            written = (_ours if side == "ours" else _bare)(rows, out)
            seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        size = out.stat().st_size
    return {
        "rows": written,
        "seconds": seconds,
        "rss_delta_mb": peak - before,
        "peak_mb": peak,
        "bytes": size,
    }


def _run(side: str, rows: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", side, "--rows", str(rows)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _line(name: str, r: dict[str, float]) -> str:
    return (
        f"  {name:<34} {r['rows'] / r['seconds']:>9,.0f} rows/s  {r['seconds']:6.1f} s  "
        f"peak RSS {r['peak_mb']:.0f} MB (+{r['rss_delta_mb']:.0f} MB)  {r['bytes'] / 1e6:.1f} MB file"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    # moto evaluates each Query page over every item of the index: the path's cost grows with the
    # square of the rows there (not on DynamoDB), so this side stays small.
    parser.add_argument("--service-rows", type=int, default=6_000)
    parser.add_argument("--worker", choices=["ours", "bare", "service"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows)))
        return 0

    print(f"sale_deed workbook, {args.rows:,} rows (each side in its own process)", flush=True)
    bare = _run("bare", args.rows)
    ours = _run("ours", args.rows)
    print(_line("bare openpyxl write-only", bare))
    print(_line("paperlane sale_deed writer", ours))
    ratio = (ours["rows"] / ours["seconds"]) / (bare["rows"] / bare["seconds"])
    ok_ratio, ok_memory = ratio >= RATIO_TARGET, ours["peak_mb"] <= MEMORY_TARGET_MB
    print(f"  ratio ours/bare: {ratio:.2f} (target >= {RATIO_TARGET}) {'ok' if ok_ratio else 'BELOW TARGET'}")
    print(
        f"  writer peak RSS: {ours['peak_mb']:.0f} MB, +{ours['rss_delta_mb']:.0f} MB while writing "
        f"(target <= {MEMORY_TARGET_MB} MB) {'ok' if ok_memory else 'ABOVE TARGET'}"
    )

    print(
        f"service path, {args.service_rows:,} rows: DynamoDB (moto) -> rows -> workbook -> file", flush=True
    )
    small_bare = _run("bare", args.service_rows)
    served = _run("service", args.service_rows)
    print(_line("bare openpyxl write-only", small_bare))
    print(_line("export service from DynamoDB (moto)", served))
    service_ratio = (served["rows"] / served["seconds"]) / (small_bare["rows"] / small_bare["seconds"])
    print(f"  ratio service/bare: {service_ratio:.2f} (moto's DynamoDB is slower than DynamoDB: a floor)")
    return 0 if ok_ratio and ok_memory else 1


if __name__ == "__main__":
    raise SystemExit(main())
