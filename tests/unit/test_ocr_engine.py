"""OCR of whole PDF pages with the real Tesseract: words, boxes, rotation, shaded tables, and errors.

Skipped when Tesseract is not installed (CI installs it). The truth for word boxes comes from the same
text typeset as a text layer, read by the text-layer extractor: OCR boxes must land on those.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from typing import Any

import cv2
import numpy as np
import pymupdf
import pytest

from paperlane.errors import OcrUnavailable, PdfEncrypted
from paperlane.ocr import OcrResult, ocr_page
from paperlane.ocr.layout import join_words
from paperlane.ocr.render import render_page
from paperlane.ocr.tesseract import ocr_image
from paperlane.pages import Word
from paperlane.pdf.text import extract_pages
from tests.pdfgen import A4, MARGIN, image_only_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd)",
)

TEXT = "\n".join(
    [
        "Invoice for services rendered",
        "Delivery to the harbour office",
        "Payment due within thirty days",
        "Thank you for your business",
        "Questions go to the accounts desk",
        "Reference number 4821 applies",
    ]
)


def _norm(token: str) -> str:
    return re.sub(r"[^\w]", "", token).lower()


def recall(expected: list[str], words: list[Word]) -> float:
    """Share of ``expected`` words found among ``words`` (case and punctuation ignored, with repeats)."""
    found = Counter(_norm(w.text) for w in words)
    hits = 0
    for token in map(_norm, expected):
        if found[token] > 0:
            found[token] -= 1
            hits += 1
    return hits / len(expected)


def with_rotation(data: bytes, rotation: int) -> bytes:
    doc = pymupdf.open(stream=data, filetype="pdf")
    doc[0].set_rotation(rotation)
    return doc.tobytes()


def typeset(text: str, rotation: int = 0) -> list[Word]:
    """The text-layer words of ``text`` laid out as ``image_only_pdf`` lays it out, in displayed space."""
    doc = pymupdf.open()
    page = doc.new_page(width=A4[0], height=A4[1])
    page.insert_text((MARGIN, MARGIN * 2), text, fontsize=24)
    page.set_rotation(rotation)
    return extract_pages(doc.tobytes(), 1, 1)[0].words


def lands_on(ocr: Word, typeset_word: Word, slack: float = 4.0) -> bool:
    """The OCR box lies within the typeset one (give or take ``slack`` points) and fills a fair part of it.

    Typeset boxes run from the font's ascender to its descender, OCR boxes hug the ink, so the OCR box
    is smaller: about half the area for a word without ascenders or descenders.
    """
    inside = (
        ocr.x0 >= typeset_word.x0 - slack
        and ocr.y0 >= typeset_word.y0 - slack
        and ocr.x1 <= typeset_word.x1 + slack
        and ocr.y1 <= typeset_word.y1 + slack
    )
    area = (ocr.x1 - ocr.x0) * (ocr.y1 - ocr.y0)
    return inside and area >= 0.3 * (typeset_word.x1 - typeset_word.x0) * (typeset_word.y1 - typeset_word.y0)


def assert_boxes_on_the_text(result: OcrResult, truth: list[Word]) -> None:
    """Every OCR word lies on the page, and each one that matches a typeset word overlaps it."""
    page = result.page
    by_text: dict[str, list[Word]] = {}
    for word in truth:
        by_text.setdefault(_norm(word.text), []).append(word)
    matched = overlapping = 0
    for word in page.words:
        assert 0 <= word.x0 <= word.x1 <= page.width
        assert 0 <= word.y0 <= word.y1 <= page.height
        candidates = by_text.get(_norm(word.text))
        if candidates:
            matched += 1
            overlapping += any(lands_on(word, t) for t in candidates)
    assert matched >= 0.9 * len(truth)
    assert overlapping == matched


def assert_page_shape(result: OcrResult) -> None:
    page = result.page
    assert page.source == "ocr"
    assert page.needs_ocr is False
    assert page.ocr_reason is None
    assert page.text == join_words(page.words)
    assert all(w.confidence is not None and 0 <= w.confidence <= 100 for w in page.words)
    # Blocks run 0, 1, 2... in order; lines restart at 0 in each block.
    blocks = [w.block for w in page.words]
    assert blocks == sorted(blocks)
    assert sorted(set(blocks)) == list(range(len(set(blocks))))
    assert result.mean_confidence is not None
    assert result.seconds > 0


def test_a_scanned_page_reads_back_its_words_where_they_were_drawn() -> None:
    result = ocr_page(image_only_pdf(TEXT), 1, width=A4[0], height=A4[1])

    assert recall(TEXT.split(), result.page.words) >= 0.9
    assert_boxes_on_the_text(result, typeset(TEXT))
    assert_page_shape(result)
    assert result.rotation == 0
    assert result.table_lines_removed is False


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_page_shown_turned_comes_out_upright_with_boxes_on_the_page_as_shown(rotation: int) -> None:
    # The scan is stored upright and the page is shown turned (/Rotate): MuPDF renders it turned, so
    # OCR must turn it back. Boxes stay in the displayed space, like text-layer words.
    data = with_rotation(image_only_pdf(TEXT), rotation)
    width, height = (A4[1], A4[0]) if rotation in (90, 270) else A4

    result = ocr_page(data, 1, width=width, height=height)

    assert result.rotation == (360 - rotation) % 360
    assert recall(TEXT.split(), result.page.words) >= 0.9
    assert result.page.text.startswith("Invoice for services")
    assert_boxes_on_the_text(result, typeset(TEXT, rotation))


def test_a_skewed_scan_is_deskewed_and_boxes_still_land_on_the_words() -> None:
    # The scan turned 3 degrees counter-clockwise about the page centre, as a crooked feeder leaves it.
    image = render_page(image_only_pdf(TEXT), 1, dpi=200)
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 3.0, 1.0)
    skewed = cv2.warpAffine(image, matrix, (width, height), borderValue=255)
    doc = pymupdf.open()
    page = doc.new_page(width=A4[0], height=A4[1])
    page.insert_image(page.rect, stream=cv2.imencode(".png", skewed)[1].tobytes())

    result = ocr_page(doc.tobytes(), 1, width=A4[0], height=A4[1])

    assert result.skew_degrees == pytest.approx(3.0, abs=0.5)
    assert recall(TEXT.split(), result.page.words) >= 0.9
    # Boxes are on the skewed page: the first line's words climb from left to right.
    first = [w for w in result.page.words if w.block == 0 and w.line == 0]
    assert first[-1].y0 < first[0].y0


# --- A shaded, ruled table ------------------------------------------------------------------------

ITEMS = [
    "Invoice",
    "Amount",
    "Quantity",
    "Description",
    "Station",
    "Meridian",
    "Harbour",
    "Lantern",
    "Granite",
    "Velvet",
    "Orchard",
    "Compass",
    "Timber",
    "Falcon",
    "Quarry",
    "Saddle",
    "Beacon",
    "Thistle",
    "Marble",
    "Juniper",
    "Canyon",
    "Pepper",
    "Walnut",
    "Cobalt",
    "Ferry",
    "Glacier",
    "Hollow",
    "Island",
    "Jasper",
    "Kettle",
    "Ledger",
    "Mantle",
    "Nectar",
    "Oyster",
    "Pylon",
    "Quartz",
    "Ribbon",
    "Summit",
    "Tundra",
]


def shaded_table_scan(*, rows: int = 12, dpi: int = 150) -> tuple[bytes, list[str]]:
    """An image-only page of a ruled 4-column table, header and every other row shaded, and its words."""
    source = pymupdf.open()
    page = source.new_page(width=A4[0], height=A4[1])
    left, top, column, height = 60.0, 100.0, 118.0, 28.0
    right = left + 4 * column
    words: list[str] = []
    names = iter(ITEMS)
    for row in range(rows):
        y = top + row * height
        if row == 0 or row % 2:
            shade = 0.55 if row == 0 else 0.75
            page.draw_rect(pymupdf.Rect(left, y, right, y + height), color=None, fill=(shade, shade, shade))
        for col in range(4):
            text = (
                f"{(row * 731 + col * 97) % 9000 + 1000:,}.{row * 7 % 100:02d}"
                if col == 3 and row
                else next(names)
            )
            words.append(text)
            page.insert_text((left + col * column + 6, y + height - 9), text, fontsize=11)
    for row in range(rows + 1):
        page.draw_line((left, top + row * height), (right, top + row * height), width=1.2)
    for col in range(5):
        page.draw_line((left + col * column, top), (left + col * column, top + rows * height), width=1.2)
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    scan = doc.new_page(width=A4[0], height=A4[1])
    scan.insert_image(scan.rect, stream=pixmap.tobytes("png"))
    return doc.tobytes(), words


def test_a_shaded_ruled_table_is_read_after_clean_up() -> None:
    data, words = shaded_table_scan()
    # Tesseract on the plain render misses the shaded rows (about 17% of the words here).
    raw = ocr_image(render_page(data, 1), page_width=A4[0], page_height=A4[1])

    result = ocr_page(data, 1, width=A4[0], height=A4[1])

    found = recall(words, result.page.words)
    assert found >= 0.9
    assert found >= recall(words, raw)
    assert_page_shape(result)


# --- Light text on a dark title bar ---------------------------------------------------------------

TITLE = "Harbour Freight Ledger"


def title_bar_scan(dpi: int = 200) -> bytes:
    """An image-only page: ``TITLE`` in white on a dark bar across the top, then ``TEXT`` below it."""
    source = pymupdf.open()
    page = source.new_page(width=A4[0], height=A4[1])
    page.draw_rect(pymupdf.Rect(MARGIN, 50, A4[0] - MARGIN, 95), color=None, fill=(0.2, 0.2, 0.3))
    page.insert_text((MARGIN + 12, 80), TITLE, fontsize=20, color=(1, 1, 1))
    page.insert_text((MARGIN, 150), TEXT, fontsize=14)
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    scan = doc.new_page(width=A4[0], height=A4[1])
    scan.insert_image(scan.rect, stream=pixmap.tobytes("png"))
    return doc.tobytes()


def test_light_text_on_a_dark_bar_is_read() -> None:
    result = ocr_page(title_bar_scan(), 1, width=A4[0], height=A4[1])

    assert recall(TITLE.split(), result.page.words) == 1.0, result.page.text[:200]
    assert recall(TEXT.split(), result.page.words) >= 0.9
    title = [w for w in result.page.words if _norm(w.text) == "freight"]
    assert title and 50 <= title[0].y0 < title[0].y1 <= 95  # boxed where the bar is


# --- Errors -----------------------------------------------------------------------------------------


def test_missing_tesseract_is_ocr_unavailable_with_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pytesseract.pytesseract.tesseract_cmd", "/nonexistent/bin/tesseract")

    with pytest.raises(OcrUnavailable) as caught:
        ocr_page(image_only_pdf("Hello"), 1, width=A4[0], height=A4[1], engine="tesseract")

    assert caught.value.code == "OCR_UNAVAILABLE"
    assert "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd" in caught.value.message


def test_an_unknown_language_is_ocr_unavailable_naming_its_package() -> None:
    with pytest.raises(OcrUnavailable) as caught:
        ocr_page(image_only_pdf("Hello"), 1, width=A4[0], height=A4[1], languages="eng+zzz")

    assert caught.value.code == "OCR_UNAVAILABLE"
    assert "tesseract-ocr-zzz" in caught.value.message
    with pytest.raises(OcrUnavailable, match="language code"):
        ocr_page(image_only_pdf("Hello"), 1, width=A4[0], height=A4[1], languages="English")


def test_a_page_outside_the_document_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="outside the document"):
        ocr_page(image_only_pdf("Hello"), 2, width=A4[0], height=A4[1])


def test_tesseract_runs_with_one_openmp_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit must reach the tesseract process itself: record the environment each child gets.
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    real_popen = subprocess.Popen
    seen: list[dict[str, str]] = []

    def recording_popen(command: list[str], *args: Any, **kwargs: Any) -> Any:
        if not {"--version", "--list-langs"} & set(command):  # the runs that read an image
            seen.append(dict(kwargs.get("env") or os.environ))
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr("pytesseract.pytesseract.subprocess.Popen", recording_popen)

    ocr_page(image_only_pdf("Hello world"), 1, width=A4[0], height=A4[1])

    assert seen  # OSD and recognition
    assert all(env.get("OMP_THREAD_LIMIT") == "1" for env in seen)
    assert "OMP_THREAD_LIMIT" not in os.environ  # and the worker's own environment is left as it was


def test_an_encrypted_scan_is_read_with_its_password() -> None:
    doc = pymupdf.open(stream=image_only_pdf(TEXT), filetype="pdf")
    data = doc.tobytes(
        encryption=getattr(pymupdf, "PDF_ENCRYPT_AES_256"),  # noqa: B009 - untyped in PyMuPDF
        user_pw="open-sesame",
        owner_pw="owner",
    )

    with pytest.raises(PdfEncrypted):
        ocr_page(data, 1, width=A4[0], height=A4[1])
    result = ocr_page(data, 1, width=A4[0], height=A4[1], password="open-sesame")

    assert recall(TEXT.split(), result.page.words) >= 0.9


def test_lines_read_apart_in_one_call_map_back_to_where_they_stand() -> None:
    from paperlane.ocr import geometry
    from paperlane.ocr.tesseract import ocr_lines

    page = np.full((1200, 1600), 255, dtype=np.uint8)
    cv2.putText(page, "29/03", (100, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    cv2.putText(page, "Premier League", (700, 900), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    to_page = geometry.scaling(0.24, 0.24)  # 300 dpi
    words = ocr_lines(
        page, [(95, 160, 230, 205), (695, 860, 1030, 905)], page_width=384, page_height=288, to_page=to_page
    )
    found = {w.text: w for w in words}
    assert {"29/03", "Premier", "League"} <= set(found)
    assert found["29/03"].block == 0 and found["League"].block == 1
    # Boxes are on the page, in points, where the lines were drawn.
    assert 20 < found["29/03"].x0 < 28 and 36 < found["29/03"].y0 < 42
    assert 166 < found["Premier"].x0 < 172 and 204 < found["Premier"].y0 < 212
