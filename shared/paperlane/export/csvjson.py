"""CSV and NDJSON, generated row by row from the layout's main sheet (the other sheets are XLSX only).

CSV: a header line, then one line per row; text made safe against formula injection (cells.py),
dates ISO, times HH:MM, booleans true/false, empty for missing values. NDJSON: one JSON object per
row, keyed by column name; numbers stay numbers, dates and times are ISO strings, text is left as
extracted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from paperlane.export.cells import safe_text
from paperlane.export.layout import Layout, SheetRow, main_sheet

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
# Lines are grouped into chunks of about this many characters: fewer, larger writes to the socket.
_CHUNK = 64 * 1024


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_chunks(layout: Layout, rows: Iterable[SheetRow]) -> Iterator[str]:
    sheet = main_sheet(layout).name
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(main_sheet(layout).names)
    for row in rows:
        if row.sheet.name != sheet:
            continue
        writer.writerow([_csv_value(v) for v in row.values])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def ndjson_chunks(layout: Layout, rows: Iterable[SheetRow]) -> Iterator[str]:
    spec = main_sheet(layout)
    names = spec.names
    lines: list[str] = []
    size = 0
    for row in rows:
        if row.sheet.name != spec.name:
            continue
        line = json.dumps(
            {n: _json_value(v) for n, v in zip(names, row.values, strict=False)}, ensure_ascii=False
        )
        lines.append(line + "\n")
        size += len(line)
        if size >= _CHUNK:
            yield "".join(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines)
