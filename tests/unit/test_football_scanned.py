"""Games from scanned coupons: generated coupons, scanned with noise, read by the real OCR (issue 5).

The scans come from ``tests.ocrnoise.scanned_pdf`` (300 dpi, turned a degree or so, blurred, grainy);
the OCR is ``paperlane.ocr.ocr_page`` with the pipeline's defaults, the code the OCR stage runs to make
word boxes; the games come from the football profile on those pages and are compared by the same rule
as the text-layer recall test (``tests.coupongen.compare``: date, time, 1X2 odds and both teams).
"""

from __future__ import annotations

import random
import shutil
from concurrent.futures import ThreadPoolExecutor

import pymupdf
import pytest

from paperlane.ocr import ocr_page
from paperlane.pages import Page
from paperlane.profiles.football import FootballOddsProfile
from tests.coupongen import Coupon, compare, coupon
from tests.ocrnoise import scanned_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd)",
)

# The first twelve seeds, whatever they draw: listings and ruled grids, two-up pages, Courier,
# Helvetica and Times from 6 to 8.5 pt, one page each (about 3-6 CPU-seconds of OCR a page). On 114
# seeds (0-89 and 100-123) the recall was 0.902, on those not looked at while tuning 0.893.
SEEDS = range(12)


def _ocr(scan: bytes) -> list[Page]:
    document = pymupdf.open(stream=scan, filetype="pdf")
    return [
        ocr_page(scan, i + 1, width=document[i].rect.width, height=document[i].rect.height).page
        for i in range(document.page_count)
    ]


def test_game_recall_on_scanned_generated_coupons() -> None:
    coupons: list[Coupon] = [coupon(seed) for seed in SEEDS]
    scans = [scanned_pdf(c.pdf, random.Random(c.seed)) for c in coupons]
    # Tesseract runs as a child process: two threads keep both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(pool.map(_ocr, scans))
    expected = found = 0
    per_seed = []
    for c, read in zip(coupons, pages, strict=True):
        score = compare(FootballOddsProfile().extract(read).output["games"], c.games)
        expected += score.expected
        found += score.found
        per_seed.append(f"{c.seed}: {score.found}/{score.expected}")
    recall = found / expected
    print(f"\nscanned generated coupons: games {expected}, recall {recall:.3f} ({', '.join(per_seed)})")
    assert recall >= 0.90
