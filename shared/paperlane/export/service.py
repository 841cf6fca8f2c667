"""One export, end to end: select documents, make rows, answer inline or through S3.

Rows are read ahead up to the inline limits (rows and estimated bytes). If the export ends within
them it is answered inline (a Lambda response is at most 6 MB); otherwise the rows read so far and
the rest are streamed into a temporary file, uploaded to exports/<id>/<filename>, and the caller
redirects to a presigned URL. Memory stays bounded either way: by the limits, or by write-only
streaming.

A request must also finish within API Gateway's 29 s. Past the inline limits, the export's rows are
estimated (documents in the selection, counted without reading them, times the rows per document
seen so far); above ``Limits.sync_max_rows`` the request is refused with EXPORT_TOO_LARGE, naming
the asynchronous export (POST /api/v1/exports, paperlane.export.jobs) that runs without that limit.
"""

from __future__ import annotations

import io
import itertools
import math
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from paperlane.errors import NotFound, PaperlaneError
from paperlane.export import csvjson, filters, xlsx
from paperlane.export.filters import ExportFilter, ExportFormat, ExportRequest
from paperlane.export.layout import Document, Layout, SheetRow, main_sheet
from paperlane.export.layouts import layout_for
from paperlane.export.source import ExportSource, Selection
from paperlane.export.store import ExportStore, export_key

_COUNT_LIMITS = 10
MEDIA_TYPES: dict[str, str] = {
    "xlsx": xlsx.MEDIA_TYPE,
    "csv": csvjson.CSV_MEDIA_TYPE,
    "json": csvjson.NDJSON_MEDIA_TYPE,
}


class ExportTooLarge(PaperlaneError):
    """More rows than a request can write before API Gateway gives up: use an asynchronous export."""

    code = "EXPORT_TOO_LARGE"
    http_status = 413


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_bytes: int
    # Most rows a request writes (through S3); None: no limit (asynchronous exports).
    sync_max_rows: int | None = None


@dataclass
class Consumed:
    """How far the rows have read into the documents: for estimating the rest."""

    documents: int = 0
    records: int = 0
    # Main-sheet rows made so far, and when the last document was taken (the rows of the ones before).
    rows: int = 0
    rows_before_last: int = 0

    @property
    def rows_per_document(self) -> float:
        if self.documents > 1:
            return self.rows_before_last / (self.documents - 1)
        return float(self.rows)


@dataclass
class Prepared:
    """A checked export whose rows have not been read yet (except the first, to know there is one)."""

    selection: Selection
    layout: Layout
    fmt: ExportFormat
    filename: str
    rows: Iterator[SheetRow]
    source: ExportSource
    consumed: Consumed

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
    consumed = Consumed()
    docs = _counted(source.documents(selection, layout.kinds), layout.kinds[0], consumed)
    rows = _counted_rows(layout.rows(docs), main_sheet(layout).name, consumed)
    first = next(rows, None)
    if first is None:
        raise NotFound(describe(selection), details={"profile": selection.profile})
    name = filters.filename(selection.filter, selection.batches, fmt)
    return Prepared(selection, layout, fmt, name, itertools.chain([first], rows), source, consumed)


def _counted(documents: Iterator[Document], kind: str, consumed: Consumed) -> Iterator[Document]:
    for doc in documents:
        # Layouts take a document once they have made every row of the one before.
        consumed.rows_before_last = consumed.rows
        consumed.documents += 1
        consumed.records += len(doc.records.get(kind, []))
        yield doc


def _counted_rows(rows: Iterator[SheetRow], sheet: str, consumed: Consumed) -> Iterator[SheetRow]:
    for row in rows:
        if row.sheet.name == sheet:
            consumed.rows += 1
        yield row


def estimate_rows(prepared: Prepared, cap: int) -> int:
    """The export's main-sheet rows: the rows per document read so far times the documents the
    selection holds (counted up to ``cap`` rows' worth)."""
    consumed, f = prepared.consumed, prepared.selection.filter
    per_document = consumed.rows_per_document
    wanted = math.ceil(cap / max(per_document, 1e-9)) + f.start_index + 1
    total = prepared.source.estimate_documents(
        prepared.selection,
        prepared.layout.kinds[0],
        records_per_document=consumed.records / max(1, consumed.documents),
        cap=wanted,
    )
    documents = max(consumed.documents, min(total, f.end_index or total) - f.start_index)
    return round(documents * per_document)


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
    main = main_sheet(layout).name
    if complete:
        count = sum(1 for r in head if r.sheet.name == main)
        return InlineExport(name, prepared.media_type, count, _inline(layout, head, fmt))
    if limits.sync_max_rows is not None:
        # Counted up to ten times the limit: enough to say how large, and still cheap.
        estimate = estimate_rows(prepared, _COUNT_LIMITS * limits.sync_max_rows)
        if estimate > limits.sync_max_rows:
            raise too_large(prepared, estimate, limits.sync_max_rows)
    with tempfile.TemporaryFile() as tmp:
        count = render(layout, itertools.chain(head, prepared.rows), fmt, tmp)
        tmp.seek(0)
        key = export_key(name)
        store.upload(key, tmp, content_type=prepared.media_type, filename=name)
    return StoredExport(name, prepared.media_type, count, key)


def too_large(prepared: Prepared, estimate: int, most: int) -> ExportTooLarge:
    request = ExportRequest.model_validate(_as_request(prepared.selection.filter)).filters()
    body = {**request, "format": prepared.fmt}
    return ExportTooLarge(
        f"This export has about {estimate:,} rows, more than the {most:,} a request can write in time. "
        "POST the same filters to /api/v1/exports: it runs in the background and gives a link when done.",
        details={
            "estimated_rows": estimate,
            "max_rows": most,
            "async_export": {"method": "POST", "path": "/api/v1/exports", "body": body},
        },
    )


def _as_request(f: ExportFilter) -> dict[str, Any]:
    values = {
        "profile": f.profile,
        "download_type": f.download_type,
        "batch_ids": ",".join(f.batch_ids) or None,
        "batch_names": ",".join(f.batch_names) or None,
        "start_date": f.start_date,
        "end_date": f.end_date,
        "start_index": f.start_index,
        "end_index": f.end_index,
    }
    return {k: v for k, v in values.items() if v is not None}


def _inline(layout: Layout, rows: list[SheetRow], fmt: ExportFormat) -> bytes | Iterator[bytes]:
    if fmt == "xlsx":
        out = io.BytesIO()
        xlsx.write_xlsx(layout, rows, out)
        return out.getvalue()
    chunks = csvjson.csv_chunks(layout, rows) if fmt == "csv" else csvjson.ndjson_chunks(layout, rows)
    return (chunk.encode("utf-8") for chunk in chunks)
