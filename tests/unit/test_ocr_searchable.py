"""The searchable PDF: OCR words laid invisibly over the original pages, selectable where they are drawn.

Words are taken from the same text typeset as a text layer (exact boxes), so the test is about placing
them, not about OCR quality: the new text layer must give back each word at its box, on its page only,
and the pages must look exactly as before.
"""

from __future__ import annotations

import pymupdf
import pytest

from paperlane.ocr import searchable
from paperlane.pages import Word
from paperlane.pdf.text import extract_pages
from tests.pdfgen import A4, MARGIN, image_only_pdf, text_pdf

TEXT = "Invoice 4821 for services\nDelivery to the harbour office"


def typeset(text: str, rotation: int = 0) -> list[Word]:
    """The words of ``text`` laid out as ``image_only_pdf`` draws it, in displayed space."""
    doc = pymupdf.open()
    page = doc.new_page(width=A4[0], height=A4[1])
    page.insert_text((MARGIN, MARGIN * 2), text, fontsize=24)
    page.set_rotation(rotation)
    return extract_pages(doc.tobytes(), 1, 1)[0].words


def scan_then_text() -> bytes:
    """Page 1 typed, page 2 a scan of TEXT (no text layer)."""
    doc = pymupdf.open(stream=text_pdf(["A typed cover page"]), filetype="pdf")
    doc.insert_pdf(pymupdf.open(stream=image_only_pdf(TEXT), filetype="pdf"))
    return doc.tobytes()


def _pixels(data: bytes) -> list[bytes]:
    doc = pymupdf.open(stream=data, filetype="pdf")
    return [doc[n].get_pixmap(dpi=50).samples for n in range(doc.page_count)]


def _close(a: Word, b: Word, slack: float = 1.5) -> bool:
    return all(abs(p - q) <= slack for p, q in zip(a[1:5], b[1:5], strict=True))


def test_the_ocr_words_become_text_on_their_page_at_their_boxes() -> None:
    original = scan_then_text()
    words = typeset(TEXT)
    out = searchable.build(original, {2: words})

    pages = extract_pages(out, 1, 2)
    assert pages[0].text == "A typed cover page"  # untouched
    assert pages[1].text.split() == TEXT.split()
    for got, want in zip(pages[1].words, words, strict=True):
        assert got.text == want.text and _close(got, want), (got, want)
    # Search finds it where it is drawn.
    doc = pymupdf.open(stream=out, filetype="pdf")
    [hit] = doc[1].search_for("harbour")
    harbour = next(w for w in words if w.text == "harbour")
    assert abs(hit.x0 - harbour.x0) < 2 and abs(hit.y0 - harbour.y0) < 2


def test_the_pages_look_the_same_and_keep_their_count_and_size() -> None:
    original = scan_then_text()
    out = searchable.build(original, {2: typeset(TEXT)})
    before, after = pymupdf.open(stream=original, filetype="pdf"), pymupdf.open(stream=out, filetype="pdf")
    assert after.page_count == before.page_count
    assert [after[n].rect for n in range(after.page_count)] == [
        before[n].rect for n in range(before.page_count)
    ]
    assert _pixels(out) == _pixels(original)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_on_a_page_displayed_turned_words_land_where_they_are_seen(rotation: int) -> None:
    """OCR reads the page as displayed (``render_page`` honours /Rotate): its words run left to right in
    displayed space, and must come back there, reading the same way."""
    doc = pymupdf.open()
    doc.new_page(width=A4[0], height=A4[1]).set_rotation(rotation)
    words = [
        Word("Harbour", 100, 200, 220, 230),
        Word("office", 230, 200, 320, 230),
        Word("4821", 100, 300, 160, 318),
    ]
    out = searchable.build(doc.tobytes(), {1: words})
    [page] = extract_pages(out, 1, 1)
    assert [w.text for w in page.words] == [w.text for w in words]
    assert all(_close(got, want) for got, want in zip(page.words, words, strict=True)), page.words


def test_pages_without_words_and_empty_words_are_skipped() -> None:
    original = image_only_pdf(TEXT)
    empty = Word("", 10, 10, 50, 20)
    flat = Word("x", 10, 10, 50, 10)
    out = searchable.build(original, {1: [empty, flat], 7: typeset(TEXT)})
    assert pymupdf.open(stream=out, filetype="pdf")[0].get_text().strip() == ""
