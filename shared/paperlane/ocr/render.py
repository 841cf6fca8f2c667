"""Render one PDF page to a grayscale bitmap for OCR.

The bitmap is in the page's displayed orientation: MuPDF applies /Rotate when it renders, so a scan
stored sideways in a page rotated to be read upright comes out upright here, and word boxes found on it
are in the same displayed space as the text-layer words (``paperlane.pages``).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from paperlane.errors import PdfCorrupt
from paperlane.pdf.inspect import mupdf_errors, open_document, pymupdf_session

# One byte per pixel, 0 black to 255 white, indexed [row, column].
GrayImage: TypeAlias = npt.NDArray[np.uint8]

# Tesseract refuses images wider or taller than 32767 pixels, and a page that large at 300 dpi (a poster,
# a CAD sheet) would take gigabytes. Such pages are rendered at a lower resolution instead.
MAX_SIDE_PX = 12_000


def render_page(data: bytes, page_number: int, *, dpi: int = 300, password: str | None = None) -> GrayImage:
    """Page ``page_number`` (1-based) of ``data`` as a grayscale image, as displayed (honours /Rotate).

    Raises ValueError for a page outside the document, PdfEncrypted for a missing or wrong password and
    PdfCorrupt when MuPDF cannot open the file or draw the page. Pages larger than ``MAX_SIDE_PX`` at
    ``dpi`` are rendered smaller: callers map pixels to points by the image's size, not by ``dpi``.
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    with pymupdf_session() as pymupdf:
        doc = open_document(pymupdf, data, password).doc
        try:
            if not 1 <= page_number <= doc.page_count:
                raise ValueError(f"page {page_number} is outside the document (1..{doc.page_count})")
            try:
                page = doc.load_page(page_number - 1)
                longest = max(page.rect.width, page.rect.height) / 72
                zoom = min(dpi, MAX_SIDE_PX / longest) / 72 if longest else dpi / 72
                pixmap = page.get_pixmap(
                    matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False
                )
            except mupdf_errors(pymupdf) as exc:
                raise PdfCorrupt(
                    f"Page {page_number} of the PDF is damaged and could not be drawn for OCR. Open the "
                    "file in the application that made it, save or export it as PDF again and upload "
                    "the new file.",
                    details={"page": page_number, "reason": str(exc)},
                ) from exc
            # Rows may be padded past the width (stride); copy so the array outlives the pixmap.
            rows = np.frombuffer(pixmap.samples, dtype=np.uint8).reshape(pixmap.height, pixmap.stride)
            return rows[:, : pixmap.width].copy()
        finally:
            doc.close()
