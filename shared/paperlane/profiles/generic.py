"""The generic profile: every page's text, where it came from and its word count; and the key-value
pairs and tables found in its word boxes (paperlane.profiles.structure).

Output: ``pages`` as the contract in ../shared/samples/README.md has it, plus ``key_values``
(``{"page", "key", "value"}``) and ``tables`` (``{"page", "header", "rows"}``, ``header`` null when the
table has none). Records: ``page``, ``kv`` and ``table``, which the generic export layout reads.
"""

from __future__ import annotations

from typing import Any

from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult
from paperlane.profiles.structure import analyse


def _row(p: Page) -> dict[str, Any]:
    row: dict[str, Any] = {
        "page": p.page,
        "text": p.text if p.source != "none" else "",
        "source": p.source,
        "needs_ocr": p.needs_ocr,
        # Counted from the text, as before words were loaded for this profile.
        "word_count": len(p.text.split()) if p.source != "none" else 0,
    }
    if p.confidence is not None:
        row["confidence"] = round(p.confidence, 1)
    if p.ocr_error:
        row["error"] = p.ocr_error
    return row


def _structure(pages: list[Page]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pairs: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    for p in pages:
        if p.source == "none" or not p.words:
            continue
        found = analyse(p.words)
        pairs.extend({"page": p.page, "key": k, "value": v} for k, v in found.key_values)
        tables.extend({"page": p.page, "header": t.header, "rows": t.rows} for t in found.tables)
    return pairs, tables


class GenericProfile:
    name = "generic"
    description = "Per-page text and word counts, key-value pairs and tables, for any PDF."
    needs_words = True

    def extract(self, pages: list[Page]) -> ProfileResult:
        rows = [_row(p) for p in pages]
        pairs, tables = _structure(pages)
        ocr = [p for p in pages if p.source == "ocr"]
        summary: dict[str, int | float | str] = {
            "pages": len(rows),
            "words": sum(int(r["word_count"]) for r in rows),
            "pages_needing_ocr": sum(1 for p in pages if p.needs_ocr),
            "pages_ocr": len(ocr),
            "pages_ocr_failed": sum(1 for p in pages if p.ocr_error),
            "key_values": len(pairs),
            "tables": len(tables),
        }
        confidences = [p.confidence for p in ocr if p.confidence is not None]
        if confidences:
            summary["ocr_mean_confidence"] = round(sum(confidences) / len(confidences), 1)
        return ProfileResult(
            output={"pages": rows, "key_values": pairs, "tables": tables},
            records={"page": rows, "kv": pairs, "table": tables},
            summary=summary,
        )
