"""The OCR_ENGINE setting and the RapidOCR engine: which engine runs, what it reads, and when none can.

The reading test runs the real RapidOCR on ONNX Runtime (its models ship in the wheel); it is skipped
when the ``ocr`` extra's ``rapidocr``/``onnxruntime`` are not installed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable

import pytest

from paperlane.errors import OcrUnavailable
from paperlane.ocr import OcrResult, ocr_page, rapid, selection
from paperlane.ocr.layout import join_words
from paperlane.ocr.rapid import Line, group_blocks, split_line
from tests.pdfgen import A4, image_only_pdf

TEXT = "\n".join(
    [
        "Invoice for services rendered",
        "Delivery to the harbour office",
        "Payment due within thirty days",
        "Reference number 4821 applies",
    ]
)


def _which(found: bool) -> Callable[[str], str | None]:
    return lambda command: f"/usr/bin/{command}" if found else None


# --- Choosing the engine ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tesseract", "rapidocr", "expected"),
    [(True, True, "tesseract"), (True, False, "tesseract"), (False, True, "rapidocr")],
)
def test_auto_prefers_tesseract_and_falls_back_to_rapidocr(
    monkeypatch: pytest.MonkeyPatch, tesseract: bool, rapidocr: bool, expected: str
) -> None:
    monkeypatch.setattr(shutil, "which", _which(tesseract))
    monkeypatch.setattr(rapid, "available", lambda: rapidocr)
    assert selection.choose("auto") == expected


def test_an_engine_named_in_the_setting_is_used_whatever_else_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", _which(False))
    monkeypatch.setattr(rapid, "available", lambda: True)
    # A missing Tesseract asked for by name fails later, in check_languages, with Tesseract's own hint.
    assert selection.choose("tesseract") == "tesseract"
    monkeypatch.setattr(shutil, "which", _which(True))
    assert selection.choose("rapidocr") == "rapidocr"


def test_rapidocr_asked_for_but_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rapid, "available", lambda: False)
    with pytest.raises(OcrUnavailable, match=re.escape("pip install rapidocr onnxruntime")):
        selection.choose("rapidocr")


def test_with_neither_engine_the_page_fails_with_ocr_unavailable_naming_both_installs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", _which(False))
    monkeypatch.setattr(rapid, "available", lambda: False)
    with pytest.raises(OcrUnavailable) as caught:
        # Not a PDF: the engine is checked before anything is rendered.
        ocr_page(b"not rendered", 1, width=A4[0], height=A4[1], engine="auto")
    assert caught.value.code == "OCR_UNAVAILABLE"
    message = caught.value.message
    assert "apt-get install tesseract-ocr" in message and "pip install rapidocr onnxruntime" in message


def test_the_setting_defaults_to_auto_and_refuses_unknown_engines() -> None:
    from pydantic import ValidationError

    from paperlane.config import OcrSettings

    base = {"DOCUMENTS_BUCKET": "docs-bucket", "JOBS_TABLE": "jobs-table", "RECORDS_TABLE": "records-table"}
    assert OcrSettings.model_validate(base).ocr_engine == "auto"
    assert OcrSettings.model_validate({**base, "OCR_ENGINE": "rapidocr"}).ocr_engine == "rapidocr"
    with pytest.raises(ValidationError):
        OcrSettings.model_validate({**base, "OCR_ENGINE": "easyocr"})


# --- Lines into words --------------------------------------------------------------------------------


def test_a_line_is_split_into_words_in_proportion_to_their_characters() -> None:
    line = Line("ab  cdef", 100.0, 10.0, 180.0, 20.0, 0.9)  # 8 characters, 10 px each
    assert split_line(line) == [("ab", 100.0, 120.0), ("cdef", 140.0, 180.0)]


def test_lines_stacked_in_one_column_form_a_block_and_a_far_column_another() -> None:
    lines = [
        Line("left one", 0, 0, 100, 10, 1.0),
        Line("right one", 400, 0, 500, 10, 1.0),
        Line("left two", 0, 14, 90, 24, 1.0),
        Line("left far below", 0, 200, 100, 210, 1.0),
    ]
    assert group_blocks(lines) == [0, 1, 0, 2]


# --- The real RapidOCR -------------------------------------------------------------------------------


needs_rapidocr = pytest.mark.skipif(
    not rapid.available(), reason="RapidOCR is not installed (uv sync --extra ocr: rapidocr, onnxruntime)"
)


@pytest.fixture(scope="module")
def rapid_read() -> OcrResult:
    return ocr_page(image_only_pdf(TEXT), 1, width=A4[0], height=A4[1], dpi=200, engine="rapidocr")


@needs_rapidocr
def test_rapidocr_reads_the_words_of_a_scanned_page_in_order_with_boxes(rapid_read: OcrResult) -> None:
    page = rapid_read.page
    assert rapid_read.engine == "rapidocr" and page.source == "ocr" and page.needs_ocr is False
    expected = TEXT.split()
    read = [w.text.lower().strip(".,") for w in page.words]
    found = sum(1 for word in expected if word.lower() in read)
    assert found >= 0.9 * len(expected), page.text
    assert page.text == join_words(page.words)
    assert rapid_read.mean_confidence is not None and rapid_read.mean_confidence > 80
    # image_only_pdf draws the text from (72, 144) at 24 pt: the words sit there, left to right.
    first = next(w for w in page.words if w.text == "Invoice")
    assert 60 <= first.x0 <= 90 and 115 <= first.y0 <= 150, first
    for a, b in zip(page.words, page.words[1:], strict=False):
        if a.line == b.line and a.block == b.block:
            assert a.x1 <= b.x0 + 1
    assert all(0 <= w.x0 < w.x1 <= page.width and 0 <= w.y0 < w.y1 <= page.height for w in page.words)


@needs_rapidocr
def test_auto_without_tesseract_reads_with_rapidocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", _which(False))
    result = ocr_page(image_only_pdf("Harbour office"), 1, width=A4[0], height=A4[1], dpi=150)
    assert result.engine == "rapidocr"
    assert "harbour" in result.page.text.lower()
