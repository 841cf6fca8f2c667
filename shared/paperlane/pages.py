"""What every extraction stage sees of a page: its text, its word boxes and where its images are.

Text-layer words and OCR words share this shape, so extractors never care where words came from.
Coordinates are PDF points in the page's displayed (rotated) space, origin top-left.
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, Field, SkipValidation

TextSource = Literal["text", "ocr", "none"]
# (x0, y0, x1, y1)
Box = tuple[float, float, float, float]


class Word(NamedTuple):
    """One word and its box. A tuple, not a model: pages hold hundreds, and building, storing and
    loading them as pydantic models cost more than extracting them. Its producers (the PDF text layer,
    OCR) are trusted code; Page does not re-validate them."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    block: int = 0
    line: int = 0
    # Recognition confidence in 0..100 for OCR words; None for the PDF's own text layer.
    confidence: float | None = None


class Page(BaseModel):
    page: int = Field(ge=1, description="1-based page number in the original document")
    width: float
    height: float
    text: str
    words: Annotated[list[Word], SkipValidation] = Field(default_factory=list)
    source: TextSource
    needs_ocr: bool
    # Why the page needs OCR: "no_text" (no text layer) or "garbage" (unusable text layer).
    ocr_reason: Literal["no_text", "garbage"] | None = None
    # Mean recognition confidence (0..100) of an OCR'd page.
    confidence: float | None = None
    # Why OCR could not read the page ({code, message}), when it could not.
    ocr_error: dict[str, str] | None = None
    # Boxes of the images embedded in the text layer's page (not tiny ones, largest first), so a
    # profile can tell "printed as a picture" from "not in the document". Empty for OCR'd pages, which
    # are one picture.
    images: list[Box] = Field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(self.words) if self.words else len(self.text.split())
