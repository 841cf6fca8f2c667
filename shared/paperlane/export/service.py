"""One export, end to end: select documents, make rows, answer inline or through S3.

Rows are read ahead up to the inline limits (rows and estimated bytes). If the export ends within
them it is answered inline (a Lambda response is at most 6 MB); otherwise the rows read so far and
the rest are streamed into a temporary file, uploaded to exports/<id>/<filename>, and the caller
redirects to a presigned URL. Memory stays bounded either way: by the limits, or by write-only
streaming.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from paperlane.errors import NotFound
from paperlane.export import csvjson, filters, xlsx
from paperlane.export.filters import ExportFilter, ExportFormat
from paperlane.export.layout import Layout, SheetRow, main_sheet
from paperlane.export.layouts import layout_for
from paperlane.export.source import ExportSource, Selection
from paperlane.export.store import ExportStore, export_key

MEDIA_TYPES: dict[str, str] = {
    "xlsx": xlsx.MEDIA_TYPE,
    "csv": csvjson.CSV_MEDIA_TYPE,
    "json": csvjson.NDJSON_MEDIA_TYPE,
}


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_bytes: int


@dataclass
class Prepared:
    """A checked export whose rows have not been read yet (except the first, to know there is one)."""

    selection: Selection
    layout: Layout
    fmt: ExportFormat
    filename: str
    rows: Iterator[SheetRow]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


@dataclass
class InlineExport:
    filename: str
    media_type: str
    rows: int
    # The whole file (xlsx) or its text in chunks (csv, ndjson).
    body: bytes | Iterator[bytes]


@dataclass
class StoredExport:
    filename: str
    media_type: str
    rows: int
    key: str


def prepare(source: ExportSource, f: ExportFilter, fmt: ExportFormat) -> Prepared:
    """Check the filter and find the first row. NotFound when no document matches."""
    selection = source.select(f)
    layout = layout_for(selection.profile)
    rows = layout.rows(source.documents(selection, layout.kinds))
    first = next(rows, None)
    if first is None:
        raise NotFound(describe(selection), details={"profile": selection.profile})
    name = filters.filename(selection.filter, selection.batches, fmt)
    return Prepared(selection, layout, fmt, name, itertools.chain([first], rows))


def estimate_bytes(values: list[Any]) -> int:
    """About what a row weighs in CSV: cheap, and conservative for XLSX (which is compressed)."""
    return sum(len(v) if isinstance(v, str) else 8 for v in values) + len(values)


def read_ahead(rows: Iterator[SheetRow], limits: Limits) -> tuple[list[SheetRow], bool]:
    """The first rows up to the limits, and whether that was all of them."""
    head: list[SheetRow] = []
    size = 0
    for row in rows:
        head.append(row)
        size += estimate_bytes(row.values)
        if len(head) > limits.max_rows or size > limits.max_bytes:
            return head, False
    return head, True


def render(layout: Layout, rows: Iterable[SheetRow], fmt: ExportFormat, out: IO[bytes] | Path) -> int:
    """Write the whole export to a file; returns the main sheet's row count."""
    if fmt == "xlsx":
        return xlsx.write_xlsx(layout, rows, out)[main_sheet(layout).name]
    counter = [0]
    counted = _counting(rows, main_sheet(layout).name, counter)
    chunks = csvjson.csv_chunks(layout, counted) if fmt == "csv" else csvjson.ndjson_chunks(layout, counted)
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8"))
    else:
        for chunk in chunks:
            out.write(chunk.encode("utf-8"))
    return counter[0]


def _counting(rows: Iterable[SheetRow], sheet: str, counter: list[int]) -> Iterator[SheetRow]:
    for row in rows:
        if row.sheet.name == sheet:
            counter[0] += 1
        yield row


def describe(selection: Selection) -> str:
    f = selection.filter
    where = {
        "all": "",
        "batch": " in batch " + ", ".join(repr(b.name or b.batch_id) for b in selection.batches),
        "dateRange": f" created from {f.start_date} to {f.end_date}",
    }[f.download_type]
    window = ""
    if f.start_index or f.end_index is not None:
        window = f" in documents[{f.start_index}:{'' if f.end_index is None else f.end_index}]"
    return f"No {selection.profile} documents with records{where}{window}."


def run_export(prepared: Prepared, limits: Limits, store: ExportStore) -> InlineExport | StoredExport:
    """Inline when the export fits the limits, else written to S3 (the caller presigns the key)."""
    layout, fmt, name = prepared.layout, prepared.fmt, prepared.filename
    head, complete = read_ahead(prepared.rows, limits)
    if complete:
        main = main_sheet(layout).name
        count = sum(1 for r in head if r.sheet.name == main)
        return InlineExport(name, prepared.media_type, count, _inline(layout, head, fmt))
    with tempfile.TemporaryFile() as tmp:
        count = render(layout, itertools.chain(head, prepared.rows), fmt, tmp)
        tmp.seek(0)
        key = export_key(name)
        store.upload(key, tmp, content_type=prepared.media_type, filename=name)
    return StoredExport(name, prepared.media_type, count, key)


def _inline(layout: Layout, rows: list[SheetRow], fmt: ExportFormat) -> bytes | Iterator[bytes]:
    if fmt == "xlsx":
        out = io.BytesIO()
        xlsx.write_xlsx(layout, rows, out)
        return out.getvalue()
    chunks = csvjson.csv_chunks(layout, rows) if fmt == "csv" else csvjson.ndjson_chunks(layout, rows)
    return (chunk.encode("utf-8") for chunk in chunks)
