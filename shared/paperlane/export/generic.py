"""The generic workbook: sheet Pages (one row per page); Key_Values and one sheet per table when
documents have them (records of kind "kv" or a page's "key_values"; records of kind "table").

A table record is {"page": n, "header": [...], "rows": [[...], ...]} (header optional); its sheet is
named Table_<n>, numbered in export order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paperlane.export import cells
from paperlane.export.layout import Column, Document, SheetRow, SheetSpec

_SOURCE = (Column("File", max_width=40), Column("Job_ID", max_width=34), Column("Page", "integer"))
PAGES = SheetSpec(
    name="Pages",
    columns=(
        *_SOURCE,
        Column("Source"),
        Column("Needs_OCR", "boolean"),
        Column("Word_Count", "integer"),
        Column("Confidence", "number"),
        Column("Text", max_width=100),
    ),
)
KEY_VALUES = SheetSpec(
    name="Key_Values",
    columns=(*_SOURCE, Column("Key", max_width=40), Column("Value", max_width=60)),
    always=False,
)


def page_values(page: dict[str, Any], doc: Document) -> list[Any]:
    return [
        doc.job.filename,
        doc.job.job_id,
        cells.number(page.get("page")),
        cells.text(page.get("source")),
        page.get("needs_ocr") if isinstance(page.get("needs_ocr"), bool) else None,
        cells.number(page.get("word_count")),
        cells.number(page.get("confidence")),
        cells.text(page.get("text")),
    ]


def key_values(doc: Document) -> Iterator[tuple[Any, Any, Any]]:
    for kv in doc.records.get("kv", []):
        yield kv.get("page"), kv.get("key"), kv.get("value")
    for page in doc.records.get("page", []):
        pairs = page.get("key_values")
        items = (
            pairs.items()
            if isinstance(pairs, dict)
            else ((p.get("key"), p.get("value")) for p in pairs or [])
        )
        for key, value in items:
            yield page.get("page"), key, value


def table_sheet(n: int, table: dict[str, Any]) -> SheetSpec:
    header = [cells.text(h) for h in table.get("header") or []]
    width = max([len(header), *(len(r) for r in table.get("rows") or [] if isinstance(r, list))], default=0)
    names = [h or f"Column_{i}" for i, h in enumerate(header + [None] * (width - len(header)), start=1)]
    return SheetSpec(name=f"Table_{n}", columns=(*_SOURCE, *(Column(c) for c in names)), always=False)


class GenericLayout:
    profile: str = "generic"
    kinds: tuple[str, ...] = ("page", "kv", "table")
    sheets: tuple[SheetSpec, ...] = (PAGES, KEY_VALUES)

    def rows(self, documents: Iterable[Document]) -> Iterator[SheetRow]:
        tables = 0
        for doc in documents:
            source = [doc.job.filename, doc.job.job_id]
            for page in doc.records.get("page", []):
                yield SheetRow(PAGES, page_values(page, doc))
            for page_no, key, value in key_values(doc):
                yield SheetRow(KEY_VALUES, [*source, cells.number(page_no), cells.text(key), _scalar(value)])
            for table in doc.records.get("table", []):
                tables += 1
                sheet = table_sheet(tables, table)
                for row in table.get("rows") or []:
                    values = [_scalar(v) for v in row] if isinstance(row, list) else [_scalar(row)]
                    yield SheetRow(sheet, [*source, cells.number(table.get("page")), *values])


def _scalar(value: Any) -> Any:
    """Numbers stay numbers; anything else is shown as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cells.text(value)
