"""OCR of scanned pages: ``ocr_page`` turns one PDF page into a ``Page`` of OCR words.

Needs the ``ocr`` extra (pytesseract, OpenCV, numpy, RapidOCR) and an engine: the tesseract binary with
its language data, or RapidOCR's bundled models (``OCR_ENGINE``, ``paperlane.ocr.selection``).

Exports load lazily: ``paperlane.ocr.searchable`` runs in Finalize, which has PyMuPDF but not OpenCV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paperlane.ocr.engine import OcrResult, ocr_page

__all__ = ["OcrResult", "ocr_page"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from paperlane.ocr import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
