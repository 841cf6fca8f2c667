"""What every export layout shares: columns, sheets, the documents they read and the rows they make.

A layout turns documents (a job and its records) into rows, each tagged with the sheet it belongs to.
Writers (xlsx.py, csvjson.py) know nothing of profiles; layouts know nothing of files or storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

ColumnType = Literal["text", "number", "integer", "date", "time", "boolean"]

# Excel number formats per column type (text cells keep the General format: "@" would make Excel show
# numbers typed later as text, and our text is written as strings anyway).
NUMBER_FORMATS: dict[ColumnType, str] = {
    "number": "#,##0.00",
    "integer": "0",
    "date": "yyyy-mm-dd",
    "time": "hh:mm",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    # Widest the column may become when sized from the data (long text wraps instead).
    max_width: int = 50
    number_format: str | None = None

    @property
    def excel_format(self) -> str | None:
        return self.number_format or NUMBER_FORMATS.get(self.type)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    freeze_header: bool = True
    autofilter: bool = False
    # Created (with its header) even when no row goes to it; otherwise created on its first row.
    always: bool = True

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


class SheetRow(NamedTuple):
    sheet: SheetSpec
    values: list[Any]
    # Highlight the row (e.g. a game with anomalies).
    mark: bool = False


@dataclass(frozen=True)
class JobInfo:
    job_id: str
    filename: str
    created_at: str
    batch_id: str | None = None
    owner: str | None = None


@dataclass
class Document:
    """One document to export: its job and its records by kind ("deed", "game", "anomaly", "page"...)."""

    job: JobInfo
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class Layout(Protocol):
    profile: str
    # The record kinds the layout reads; a document without records of the first one is skipped.
    kinds: tuple[str, ...]
    # Sheets in workbook order; the first is the main sheet (the only one in CSV and NDJSON).
    sheets: tuple[SheetSpec, ...]

    def rows(self, documents: Iterable[Document]) -> Iterator[SheetRow]: ...


def main_sheet(layout: Layout) -> SheetSpec:
    return layout.sheets[0]
