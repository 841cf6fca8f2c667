"""The generic profile: every page's text, where it came from, and its word count."""

from __future__ import annotations

from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult


class GenericProfile:
    name = "generic"
    description = "Per-page text and word counts, for any PDF."
    needs_words = False

    def extract(self, pages: list[Page]) -> ProfileResult:
        rows = [
            {
                "page": p.page,
                "text": p.text if p.source != "none" else "",
                "source": p.source,
                "needs_ocr": p.needs_ocr,
                "word_count": p.word_count if p.source != "none" else 0,
            }
            for p in pages
        ]
        words = sum(int(r["word_count"]) for r in rows)
        return ProfileResult(
            output={"pages": rows},
            records={"page": rows},
            summary={
                "pages": len(rows),
                "words": words,
                "pages_needing_ocr": sum(1 for p in pages if p.needs_ocr),
            },
        )
