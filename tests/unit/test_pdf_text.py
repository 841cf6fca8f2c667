"""extract_pages: text and word boxes in reading order, and an honest flag for pages that need OCR."""

from __future__ import annotations

import pymupdf
import pytest

from paperlane.errors import PdfEncrypted
from paperlane.pages import Page
from paperlane.pdf.inspect import Backend
from paperlane.pdf.text import extract_pages, reading_order
from tests.pdfgen import (
    columns_pdf,
    encrypted_pdf,
    image_only_pdf,
    rotated_pdf,
    text_pdf,
    undecodable_text_pdf,
)

BACKENDS: list[Backend] = ["pymupdf", "pdfminer"]
PAGES = [
    "Invoice 2024-117\nCustomer: Example Trading Ltd\nTotal due: 1,234.50 EUR",
    "Terms and conditions\nPayment within thirty days of the invoice date.",
    "Thank you for your business",
]


def _paragraph_starts(page: Page) -> list[str]:
    return [paragraph.split("\n")[0] for paragraph in page.text.split("\n\n")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_text_pages_yield_their_text_and_word_boxes(backend: Backend) -> None:
    pages = extract_pages(text_pdf(PAGES), 1, 3, backend=backend)
    assert [p.page for p in pages] == [1, 2, 3]
    first = pages[0]
    assert first.text == PAGES[0]
    assert (first.source, first.needs_ocr, first.ocr_reason) == ("text", False, None)
    assert (first.width, first.height) == (595, 842)
    assert [w.text for w in first.words] == PAGES[0].split()
    for word in first.words:
        assert 0 <= word.x0 < word.x1 <= first.width and 0 <= word.y0 < word.y1 <= first.height
        assert word.confidence is None
    # Origin top-left: the first line sits near the top margin, later lines lower down.
    invoice, total = first.words[0], first.words[-1]
    assert 55 < invoice.y0 < 75 and total.y0 > invoice.y1
    assert [(w.block, w.line) for w in first.words[:3]] == [(0, 0), (0, 0), (0, 1)]


def test_a_page_range_is_one_based_and_inclusive() -> None:
    data = text_pdf(PAGES)
    assert [p.text for p in extract_pages(data, 2, 3)] == PAGES[1:]
    assert [p.page for p in extract_pages(data, 3, 3)] == [3]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("first,last", [(0, 1), (2, 1), (3, 4)])
def test_a_range_outside_the_document_is_a_caller_error(backend: Backend, first: int, last: int) -> None:
    with pytest.raises(ValueError, match="range"):
        extract_pages(text_pdf(PAGES), first, last, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_image_only_page_needs_ocr(backend: Backend) -> None:
    [page] = extract_pages(image_only_pdf("SCANNED LETTER 42"), 1, 1, backend=backend)
    assert (page.needs_ocr, page.source, page.ocr_reason) == (True, "none", "no_text")
    assert page.text == "" and page.words == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scan_with_a_few_typed_words_on_it_still_needs_ocr(backend: Backend) -> None:
    # Like corpus malformed-from-issue-932.pdf: a scanned form with only its date as real text.
    data = image_only_pdf("PURCHASE ORDER\nItem  Qty  Price", overlay="2021 3 31")
    [page] = extract_pages(data, 1, 1, backend=backend)
    assert (page.needs_ocr, page.source, page.ocr_reason) == (True, "none", "no_text")
    assert page.text == "2021 3 31", "the text that was there is kept"


def test_a_short_text_page_without_images_is_text() -> None:
    [page] = extract_pages(text_pdf(["Page 2 of 7"]), 1, 1)
    assert (page.needs_ocr, page.source) == (False, "text")


def test_a_blank_page_needs_ocr() -> None:
    [page] = extract_pages(text_pdf([""]), 1, 1)
    assert (page.needs_ocr, page.ocr_reason, page.text) == (True, "no_text", "")


def test_an_undecodable_text_layer_is_garbage_and_needs_ocr() -> None:
    [page] = extract_pages(undecodable_text_pdf("The quick brown fox jumps over the lazy dog"), 1, 1)
    assert (page.needs_ocr, page.source, page.ocr_reason) == (True, "none", "garbage")
    assert page.text and set(page.text) <= {"\ufffd", " ", "\n"}, "the unreadable text is kept"


@pytest.mark.parametrize("backend", BACKENDS)
def test_columns_are_read_one_after_the_other_even_when_their_gaps_line_up(backend: Backend) -> None:
    left = [f"Left {n} begins\nleft {n} goes on\nleft {n} ends" for n in (1, 2, 3)]
    right = [f"Right {n} begins\nright {n} goes on\nright {n} ends" for n in (1, 2, 3)]
    data = columns_pdf([left, right], header="Annual report 2024")
    [page] = extract_pages(data, 1, 1, backend=backend)
    assert _paragraph_starts(page) == ["Annual report 2024"] + [p.split("\n")[0] for p in left + right]
    # Words follow the text: blocks are numbered in reading order.
    blocks = [w.block for w in page.words]
    assert blocks == sorted(blocks) and blocks[-1] == 6


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_form_is_read_row_by_row(backend: Backend) -> None:
    data = columns_pdf([["Name:", "Date:", "Amount:"], ["Jane Example", "2024-01-31", "1,234.50"]])
    [page] = extract_pages(data, 1, 1, backend=backend)
    assert page.text.split() == ["Name:", "Jane", "Example", "Date:", "2024-01-31", "Amount:", "1,234.50"]


def test_three_columns_under_a_header() -> None:
    columns = [[f"Column {c} paragraph {n}\nsecond line\nthird line" for n in (1, 2)] for c in (1, 2, 3)]
    [page] = extract_pages(columns_pdf(columns, header="Federal Register"), 1, 1)
    starts = _paragraph_starts(page)
    assert starts == ["Federal Register"] + [f"Column {c} paragraph {n}" for c in (1, 2, 3) for n in (1, 2)]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_word_boxes_are_in_the_displayed_rotated_page(rotation: int) -> None:
    data = rotated_pdf("Rotated page text", rotation)
    by_backend = {b: extract_pages(data, 1, 1, backend=b)[0] for b in BACKENDS}
    mupdf, miner = by_backend["pymupdf"], by_backend["pdfminer"]
    expected = (400, 600) if rotation in (90, 270) else (600, 400)
    assert (mupdf.width, mupdf.height) == (miner.width, miner.height) == expected
    assert mupdf.text == miner.text == "Rotated page text"
    for a, b in zip(mupdf.words, miner.words, strict=True):
        assert 0 <= a.x0 < a.x1 <= mupdf.width and 0 <= a.y0 < a.y1 <= mupdf.height
        # The two libraries measure glyph heights differently; positions agree within a few points.
        assert abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) < 4
        assert abs((a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2) < 4


def _page_with_images(rotation: int) -> bytes:
    """A 400 x 600 page with a line of text, a 200 x 100 picture and a 5 x 5 speck, then /Rotate."""
    doc = pymupdf.open()
    page = doc.new_page(width=400, height=600)
    page.insert_text((50, 60), "Fees paid as below", fontsize=11)
    pixmap = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 40, 20), False)
    pixmap.clear_with(200)
    page.insert_image(pymupdf.Rect(50, 100, 250, 200), pixmap=pixmap)
    page.insert_image(pymupdf.Rect(300, 100, 305, 105), pixmap=pixmap)
    page.set_rotation(rotation)
    return bytes(doc.tobytes())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("rotation", "box"),
    [
        (0, (50.0, 100.0, 250.0, 200.0)),
        (90, (400.0, 50.0, 500.0, 250.0)),  # turned clockwise: x = 600 - y, y = x
        (180, (150.0, 400.0, 350.0, 500.0)),
    ],
)
def test_image_boxes_are_kept_in_the_displayed_page_without_specks(
    backend: Backend, rotation: int, box: tuple[float, ...]
) -> None:
    [page] = extract_pages(_page_with_images(rotation), 1, 1, backend=backend)
    assert page.source == "text" and page.images == [box]
    assert extract_pages(text_pdf(PAGES), 1, 1, backend=backend)[0].images == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_encrypted_pdf_reads_with_its_password(backend: Backend) -> None:
    data = encrypted_pdf("open-sesame", "owner", pages=PAGES)
    pages = extract_pages(data, 1, 3, password="open-sesame", backend=backend)
    assert pages[2].text == PAGES[2]
    with pytest.raises(PdfEncrypted):
        extract_pages(data, 1, 1, backend=backend)
    with pytest.raises(PdfEncrypted):
        extract_pages(data, 1, 1, password="wrong", backend=backend)


def test_both_backends_agree_on_a_plain_document() -> None:
    data = text_pdf(PAGES)
    mupdf = extract_pages(data, 1, 3)
    miner = extract_pages(data, 1, 3, backend="pdfminer")
    assert [p.text for p in mupdf] == [p.text for p in miner]
    assert [len(p.words) for p in mupdf] == [len(p.words) for p in miner]


def test_reading_order_without_line_counts_reads_rows_first() -> None:
    # Two cells per row, as in a table: row by row.
    cells = [(0, 0, 50, 10), (100, 0, 150, 10), (0, 20, 50, 30), (100, 20, 150, 30)]
    assert reading_order(cells) == [0, 1, 2, 3]
    # The same boxes as tall paragraphs of running text: column by column.
    assert reading_order(cells, [5, 5, 5, 5]) == [0, 2, 1, 3]
    assert reading_order([]) == []
