"""Sale-deed workbook rows/s against a bare openpyxl write-only loop, and the writer's peak memory.

    uv run python bench/export.py [--rows 200000]

Both sides write the same rows (invented deeds, 1 seller + 2 buyers each, flattened by the sale_deed
layout) to a write-only workbook on disk. The bare loop appends the plain values; ours is the export
writer (safe text, per-column styles, borders, wrap, widths from a sample, row heights, freeze pane).
So the ratio is the cost of making the workbook presentable and safe. Targets: ratio >= 0.7, peak
memory <= 300 MB at 200,000 rows.

Each side runs in its own process. Memory is the peak resident set size (ru_maxrss) minus the resident
size just before writing starts: what writing the workbook adds, whatever the interpreter held before.
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


def worker(side: str, rows: int) -> dict[str, float]:
    import openpyxl  # noqa: F401 - loaded before the baseline RSS is taken

    import paperlane.export.xlsx  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{side}.xlsx"
        before = _rss_mb()
        start = time.perf_counter()
        written = (_ours if side == "ours" else _bare)(rows, out)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        size = out.stat().st_size
    return {"rows": written, "seconds": seconds, "rss_delta_mb": peak - before, "bytes": size}


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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--worker", choices=["ours", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows)))
        return 0

    print(f"sale_deed workbook, {args.rows:,} rows (each side in its own process)", flush=True)
    bare = _run("bare", args.rows)
    ours = _run("ours", args.rows)
    for name, r in (("bare openpyxl write-only", bare), ("paperlane sale_deed writer", ours)):
        print(
            f"  {name:<28} {r['rows'] / r['seconds']:>9,.0f} rows/s  {r['seconds']:6.1f} s  "
            f"peak RSS +{r['rss_delta_mb']:.0f} MB  {r['bytes'] / 1e6:.1f} MB file"
        )
    ratio = (ours["rows"] / ours["seconds"]) / (bare["rows"] / bare["seconds"])
    ok_ratio, ok_memory = ratio >= RATIO_TARGET, ours["rss_delta_mb"] <= MEMORY_TARGET_MB
    print(f"  ratio ours/bare: {ratio:.2f} (target >= {RATIO_TARGET}) {'ok' if ok_ratio else 'BELOW TARGET'}")
    print(
        f"  writer peak RSS delta: {ours['rss_delta_mb']:.0f} MB (target <= {MEMORY_TARGET_MB} MB) "
        f"{'ok' if ok_memory else 'ABOVE TARGET'}"
    )
    return 0 if ok_ratio and ok_memory else 1


if __name__ == "__main__":
    raise SystemExit(main())
