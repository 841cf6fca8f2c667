"""OCR of page 1 of every scanned file in ../shared/corpus/real, as the pipeline will run it.

inspect_pdf and extract_pages first (the prepare and text stages: they give the readable copy and
the page size), then ocr_page. Skipped when ../shared or Tesseract is absent.
"""

from __future__ import annotations

import functools
import re
import shutil

import pytest

from paperlane.ocr import OcrResult, ocr_page
from paperlane.pdf.inspect import PdfLimits, inspect_pdf
from paperlane.pdf.text import extract_pages
from tests.shared_assets import corpus_dir, corpus_manifest, over_corpus

NO_TESSERACT = (
    "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd)"
)
pytestmark = [
    pytest.mark.shared_corpus,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason=NO_TESSERACT),
]

SCANNED = [row for row in corpus_manifest() if row["category"] == "scanned"]
LIMITS = PdfLimits(max_bytes=50_000_000, max_pages=1_000)
# Chinese: with the default "eng" Tesseract reads Latin look-alikes, so only that OCR runs is checked.
NOT_ENGLISH = {"issue-203-decimalize.pdf"}
# The whole text of ocr_test_rotated_90.pdf: 15 words, too few for a count of real words.
DOCLING_SENTENCE = (
    "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package"
)


@functools.cache  # several tests look at the same scans
def _ocr_first_page(name: str) -> OcrResult:
    data = (corpus_dir() / name).read_bytes()
    info, copy = inspect_pdf(data, limits=LIMITS)
    source = copy if copy is not None else data  # repaired files (175.pdf) are read from the copy
    page = extract_pages(source, 1, 1, backend=info.backend)[0]
    assert page.needs_ocr
    return ocr_page(source, 1, width=page.width, height=page.height, dpi=300)


def real_words(text: str) -> list[str]:
    """Tokens that look like words: letters only, at least three, with a vowel."""
    tokens = (token.strip(".,;:!?()\"'\u2018\u2019\u201c\u201d") for token in text.split())
    return [t for t in tokens if re.fullmatch(r"[A-Za-z]{3,}", t) and re.search(r"[aeiouyAEIOUY]", t)]


@over_corpus(SCANNED)
def test_every_scan_yields_ocr_text(row: dict[str, str]) -> None:
    result = _ocr_first_page(row["file"])
    page = result.page
    assert page.source == "ocr"
    if row["file"] in NOT_ENGLISH:
        return  # OCR ran and returned a page; the eng model cannot read Chinese
    assert page.text.strip()
    if row["file"] == "ocr_test_rotated_90.pdf":
        # Shown sideways; OSD must turn it. 90 and 270 are the two readings of "sideways".
        assert result.rotation in (90, 270)
        found = {w.text.lower() for w in page.words}
        expected = DOCLING_SENTENCE.lower().split()
        assert sum(word in found for word in expected) >= 0.9 * len(expected), page.text
        return
    assert len(real_words(page.text)) >= 20, page.text[:500]


def test_the_rotate_mismatch_scan_renders_as_displayed() -> None:
    # The page says /Rotate 90 and stores its image turned the other way: shown as the page says, the
    # letter is upright, so OSD has nothing to turn.
    if not any(row["file"] == "sample_with_rotation_mismatch.pdf" for row in SCANNED):
        pytest.skip("sample_with_rotation_mismatch.pdf is not in the corpus")
    result = _ocr_first_page("sample_with_rotation_mismatch.pdf")
    assert result.rotation == 0
    assert "SLEREXE" in result.page.text.upper()


def test_the_skewed_scan_is_deskewed() -> None:
    if not any(row["file"] == "skew.pdf" for row in SCANNED):
        pytest.skip("skew.pdf is not in the corpus")
    result = _ocr_first_page("skew.pdf")
    assert 1.0 <= abs(result.skew_degrees) <= 3.0
    assert "LinnSequencer" in result.page.text
