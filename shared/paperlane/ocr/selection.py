"""Which OCR engine reads a page: the ``OCR_ENGINE`` setting (auto, tesseract, rapidocr) made concrete.

``auto`` prefers Tesseract (about 1.3-6 s a page, and the whole page pipeline: orientation, tables) when
its binary is on PATH, and otherwise falls back to RapidOCR, whose models ship in its wheel, so a plain
``pip install`` is enough to OCR. Nothing is imported here: checking must stay cheap.
"""

from __future__ import annotations

import shutil
from typing import Literal

from paperlane.errors import OcrUnavailable
from paperlane.ocr import rapid

EngineSetting = Literal["auto", "tesseract", "rapidocr"]
Engine = Literal["tesseract", "rapidocr"]

TESSERACT_HINT = "`apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd` (Debian or Ubuntu)"


def tesseract_command() -> str:
    """The command pytesseract runs ("tesseract" unless configured otherwise)."""
    try:
        import pytesseract  # type: ignore[import-untyped]  # ships no type information
    except ImportError:
        return "tesseract"
    return str(pytesseract.pytesseract.tesseract_cmd)


def choose(setting: str) -> Engine:
    """The engine for ``setting``. Raises OcrUnavailable when ``auto`` finds neither engine, or when
    the engine asked for by name is RapidOCR and it is not installed (a missing Tesseract asked for by
    name surfaces from ``tesseract.check_languages`` with its own hint)."""
    if setting == "tesseract":
        return "tesseract"
    if setting == "rapidocr":
        if not rapid.available():
            raise OcrUnavailable(
                f"OCR_ENGINE is rapidocr but RapidOCR is not installed. Install it: {rapid.INSTALL_HINT}.",
                details={"engine": setting},
            )
        return "rapidocr"
    if setting != "auto":
        raise OcrUnavailable(
            f"OCR_ENGINE must be auto, tesseract or rapidocr, not {setting!r}.", details={"engine": setting}
        )
    if shutil.which(tesseract_command()) is not None:
        return "tesseract"
    if rapid.available():
        return "rapidocr"
    raise OcrUnavailable(
        "OCR is unavailable: neither Tesseract nor RapidOCR is installed. Install either Tesseract: "
        f"{TESSERACT_HINT}, or RapidOCR: {rapid.INSTALL_HINT}.",
        details={"engine": setting},
    )
