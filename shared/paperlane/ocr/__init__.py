"""OCR of scanned pages with Tesseract: ``ocr_page`` turns one PDF page into a ``Page`` of OCR words.

Needs the ``ocr`` extra (pytesseract, OpenCV, numpy) and the tesseract binary with its language data.
"""

from __future__ import annotations

from paperlane.ocr.engine import OcrResult, ocr_page

__all__ = ["OcrResult", "ocr_page"]
