"""The generic profile: every page's text, where it came from, and its word count."""

from __future__ import annotations

from typing import Any

from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult


def _row(p: Page) -> dict[str, Any]:
    row: dict[str, Any] = {
        "page": p.page,
        "text": p.text if p.source != "none" else "",
        "source": p.source,
        "needs_ocr": p.needs_ocr,
        "word_count": p.word_count if p.source != "none" else 0,
    }
    if p.confidence is not None:
        row["confidence"] = round(p.confidence, 1)
    if p.ocr_error:
        row["error"] = p.ocr_error
    return row


class GenericProfile:
    name = "generic"
    description = "Per-page text and word counts, for any PDF."
    needs_words = False

    def extract(self, pages: list[Page]) -> ProfileResult:
        rows = [_row(p) for p in pages]
        ocr = [p for p in pages if p.source == "ocr"]
        summary: dict[str, int | float | str] = {
            "pages": len(rows),
            "words": sum(int(r["word_count"]) for r in rows),
            "pages_needing_ocr": sum(1 for p in pages if p.needs_ocr),
            "pages_ocr": len(ocr),
            "pages_ocr_failed": sum(1 for p in pages if p.ocr_error),
        }
        confidences = [p.confidence for p in ocr if p.confidence is not None]
        if confidences:
            summary["ocr_mean_confidence"] = round(sum(confidences) / len(confidences), 1)
        return ProfileResult(output={"pages": rows}, records={"page": rows}, summary=summary)
