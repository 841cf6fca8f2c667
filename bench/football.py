"""CPU time to extract a 20-page football coupon with a text layer, against raw PyMuPDF on the same file.

    uv run python bench/football.py [--pages 20] [--runs 5]

The coupon is built from generated coupons (tests/coupongen.py) until it has the pages asked for. The
figure is CPU time (process_time) of text extraction (words, reading order, OCR flags) plus the
football_odds profile; the baseline is PyMuPDF's `get_text("words")` over the same pages, measured in
the same run. The target is under 1 s of CPU for 20 pages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def coupon_pdf(pages: int) -> bytes:
    import pymupdf
    from tests.coupongen import coupon

    out = pymupdf.open()
    seed = 0
    while out.page_count < pages:
        with pymupdf.open(stream=coupon(seed).pdf, filetype="pdf") as part:
            out.insert_pdf(part, to_page=min(part.page_count, pages - out.page_count) - 1)
        seed += 1
    return bytes(out.tobytes())


def cpu(fn: Callable[[], None]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import pymupdf

    from paperlane.pdf.text import extract_pages
    from paperlane.profiles.football import FootballOddsProfile

    data = coupon_pdf(args.pages)
    profile = FootballOddsProfile()

    def raw() -> None:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            for page in doc:
                page.get_text("words")

    games = 0

    def ours() -> None:
        nonlocal games
        games = len(profile.extract(extract_pages(data, 1, args.pages)).output["games"])

    ours()  # warm: imports, the team index
    raw_s = statistics.median(cpu(raw) for _ in range(args.runs))
    ours_s = statistics.median(cpu(ours) for _ in range(args.runs))
    print(f"{args.pages}-page coupon, {games} games, median of {args.runs} runs (CPU seconds)")
    print(f"  raw PyMuPDF get_text('words'):  {raw_s:.3f} s")
    print(f"  text extraction + football_odds: {ours_s:.3f} s  (target < 1 s)")
    print(f"  ratio ours/raw: {ours_s / raw_s:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
