"""A searchable copy of a scanned PDF: the original pages with the OCR words laid over them, invisible.

Each word is written in render mode 3 (neither filled nor stroked) at its OCR box: the font size makes
the glyphs' ascender-to-descender height the box's height and a horizontal scale stretches the word to
the box's width, so a viewer's search hits and selections land on the word in the image. Word boxes are
in the page's displayed space (``paperlane.pages``); PDF content is drawn in the unrotated space, so
points are derotated and the text turned with the page.

The text is Helvetica (a base-14 font: nothing to embed, a few bytes per word). It encodes Latin-1 and
a few more (WinAnsi); other characters come out as a placeholder in the text layer.

Needs PyMuPDF only (the pipeline extra), never OpenCV or an OCR engine: Finalize builds it, and the
API imports this module for ``key`` alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from paperlane.pages import Word

FONT = "helv"


def key(job_id: str) -> str:
    """Where a job's searchable PDF is stored, beside its result."""
    return f"results/{job_id}/searchable.pdf"


def build(
    original: bytes, words_by_page: Mapping[int, Sequence[Word]], *, password: str | None = None
) -> bytes:
    """``original`` with an invisible text layer of ``words_by_page`` ({1-based page: words}) added.

    Pages without an entry, and everything already on the pages, are left as they were.
    """
    from paperlane.pdf.inspect import open_document, pymupdf_session  # PyMuPDF: not in the API

    with pymupdf_session() as pymupdf:
        doc = open_document(pymupdf, original, password).doc
        try:
            font = pymupdf.Font(FONT)
            for number, words in sorted(words_by_page.items()):
                if words and 1 <= number <= doc.page_count:
                    _write_words(pymupdf, doc[number - 1], font, words)
            return bytes(doc.tobytes(deflate=True))
        finally:
            doc.close()


def _write_words(pymupdf: Any, page: Any, font: Any, words: Sequence[Word]) -> None:
    rotation = int(page.rotation)
    derotate = page.derotation_matrix
    height_per_point = font.ascender - font.descender  # glyph box height at font size 1
    shape = page.new_shape()
    for word in words:
        width, height = word.x1 - word.x0, word.y1 - word.y0
        if width <= 0 or height <= 0 or not word.text.strip():
            continue
        size = height / height_per_point
        length = pymupdf.get_text_length(word.text, fontname=FONT, fontsize=size)
        if length <= 0:
            continue
        baseline = pymupdf.Point(word.x0, word.y0 + font.ascender * size) * derotate
        stretch = width / length
        # Stretch along the text's direction, which runs vertically in unrotated space on pages turned
        # a quarter.
        scale = pymupdf.Matrix(1, stretch) if rotation in (90, 270) else pymupdf.Matrix(stretch, 1)
        shape.insert_text(
            baseline,
            word.text,
            fontname=FONT,
            fontsize=size,
            render_mode=3,
            rotate=rotation,
            morph=(baseline, scale),
        )
    shape.commit(overlay=True)
