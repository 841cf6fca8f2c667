"""Pipeline pages/s against raw PyMuPDF `get_text` on the same PDF, measured side by side in one run.

    uv run python bench/pipeline.py [PDF] [--runs N]

The default PDF is the 117-page corpus book (../shared/corpus/real/GeoTopo-komprimiert.pdf); without
../shared a generated 117-page PDF stands in. The pipeline figure is end to end on a warm local stack:
S3 put -> EventBridge -> SQS -> intake -> Step Functions (prepare, Map of text chunks, finalize) -> result.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PDF = ROOT.parent / "shared" / "corpus" / "real" / "GeoTopo-komprimiert.pdf"


def generated_book(pages: int = 117) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    para = "The quick brown fox jumps over the lazy dog. " * 12
    for n in range(pages):
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), f"Chapter {n}\n" + (para + "\n") * 8, fontsize=9)
    return bytes(doc.tobytes())


def raw_pymupdf(data: bytes) -> float:
    import pymupdf

    start = time.perf_counter()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.get_text()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--burst", type=int, default=4, help="documents in flight for the throughput figure")
    parser.add_argument(
        "--param", action="append", default=[], help="template parameter override, NAME=VALUE"
    )
    args = parser.parse_args()

    if args.pdf.is_file():
        data, label = args.pdf.read_bytes(), args.pdf.name
    else:
        data, label = generated_book(), "generated 117-page book (../shared absent)"

    from paperlane import clock
    from paperlane.local.quiet import quiet_logs
    from paperlane.local.runner import Run
    from paperlane.local.stack import LocalStack
    from paperlane.pipeline import submission

    quiet_logs("ERROR")
    params = dict(p.split("=", 1) for p in args.param)
    with LocalStack(parameters=params) as stack:
        run = Run.on(stack)
        pipeline_times: list[float] = []
        raw_times: list[float] = []
        pages = 0
        for n in range(args.runs + 1):
            # A trailing comment changes the hash (a new job) without changing the document.
            variant = data + f"\n%bench-{n}-{time.time_ns()}\n".encode()
            raw_times.append(raw_pymupdf(variant))
            before = len(stack.lambdas.invocations)
            start = clock.now()
            job = submission.submit(
                run.stores,
                run.settings,
                variant,
                submission.Submission(filename="bench.pdf", profile="generic"),
            ).job
            # Poll lazily (each poll costs the shared CPU): the job's own completed_at ends the clock.
            [done] = run.wait([job.job_id], timeout=600, poll=0.25)
            if done.status.value != "completed":
                print(f"run {n}: job {done.status.value}: {done.error}", file=sys.stderr)
                return 1
            pages = done.page_count or 0
            elapsed = (clock.parse(done.completed_at or clock.iso()) - start).total_seconds()
            if n == 0:
                continue  # warm-up: imports and first-call costs
            pipeline_times.append(elapsed)
            per_fn: dict[str, float] = defaultdict(float)
            for inv in stack.lambdas.invocations[before:]:
                per_fn[inv.function] += inv.seconds

        # Throughput: several copies in flight at once, as a busy pipeline runs.
        variants = [data + f"\n%bench-burst-{n}-{time.time_ns()}\n".encode() for n in range(args.burst)]
        start = clock.now()
        jobs = [
            submission.submit(
                run.stores,
                run.settings,
                v,
                submission.Submission(filename=f"burst-{n}.pdf", profile="generic"),
            ).job.job_id
            for n, v in enumerate(variants)
        ]
        finished = run.wait(jobs, timeout=900, poll=0.25)
        last = max(clock.parse(j.completed_at or clock.iso()) for j in finished)
        burst_seconds = (last - start).total_seconds()
        burst_ok = all(j.status.value == "completed" for j in finished)

    raw = statistics.median(raw_times)
    pipe = statistics.median(pipeline_times)
    print(
        f"document: {label}, {pages} pages, {len(data) / 1e6:.1f} MB, chunk {run.settings.chunk_pages} pages"
    )
    print(f"raw PyMuPDF get_text : {pages / raw:8.1f} pages/s  (median of {len(raw_times)}: {raw:.3f} s)")
    print(
        f"pipeline end to end  : {pages / pipe:8.1f} pages/s  (median of {len(pipeline_times)}: {pipe:.3f} s)"
    )
    print(f"ratio pipeline/raw   : {raw / pipe:8.2f}   (one document at a time; target >= 0.5)")
    burst_rate = pages * args.burst / burst_seconds
    print(
        f"pipeline, {args.burst} at once : {burst_rate:8.1f} pages/s  ({burst_seconds:.3f} s"
        f"{'' if burst_ok else ', SOME FAILED'})"
    )
    print(f"ratio burst/raw      : {burst_rate / (pages / raw):8.2f}")
    print("last run, seconds inside each function (summed over Map iterations):")
    for name, seconds in sorted(per_fn.items(), key=lambda kv: -kv[1]):
        print(f"  {name:22s} {seconds:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
