"""Stream rows into an .xlsx workbook with openpyxl's write-only mode: memory stays flat at any size.

Write-only sheets fix their column widths before the first row, so each sheet holds back its first
SAMPLE_ROWS rows, sizes its columns from the header and that sample, then writes them and streams the
rest. Later rows wider than the sample wrap (data cells wrap) rather than widen the column.

openpyxl is imported inside the functions: API handlers must not load it at import time (cold starts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from paperlane.export.cells import safe_text
from paperlane.export.layout import Column, Layout, SheetRow, SheetSpec

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_ROWS = 200
HEADER_HEIGHT = 25
ROW_HEIGHT = 20
HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
MARK_FILL = "FFF2CC"
MIN_WIDTH = 8


class _Styles:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="A6A6A6")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.header_font = Font(bold=True, color=HEADER_FONT)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.data_alignment = Alignment(vertical="top", wrap_text=True)
        self.mark_fill = PatternFill("solid", fgColor=MARK_FILL)


def display_width(value: Any, column: Column) -> int:
    """Characters a value needs on screen, roughly as Excel renders it in the column's format."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, bool):
        return 5
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, dt.time):
        return 5
    if isinstance(value, int | float):
        return len(f"{value:,.2f}") if column.type == "number" else len(str(value))
    return len(str(value))


def column_widths(spec: SheetSpec, sample: Iterable[list[Any]]) -> list[int]:
    # Header cells are bold, and a filter adds a drop-down button: give them room.
    extra = 4 if spec.autofilter else 2
    widths = [len(c.name) + extra for c in spec.columns]
    for values in sample:
        for i, (value, column) in enumerate(zip(values, spec.columns, strict=False)):
            widths[i] = max(widths[i], display_width(value, column) + 2)
    return [max(MIN_WIDTH, min(w, c.max_width)) for w, c in zip(widths, spec.columns, strict=True)]


def _safe(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


class _SheetWriter:
    def __init__(self, wb: Any, spec: SheetSpec, styles: _Styles) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.worksheet.dimensions import RowDimension

        self.spec = spec
        self.ws = wb.create_sheet(spec.name[:31])
        self.count = 0
        self._pending: list[SheetRow] | None = []
        self._styles = styles
        self._width = len(spec.columns)
        self._plain = [self._cell(WriteOnlyCell, c, mark=False) for c in spec.columns]
        self._marked = [self._cell(WriteOnlyCell, c, mark=True) for c in spec.columns]
        self._row_height = RowDimension(self.ws, index=0, ht=ROW_HEIGHT)
        _hook_prebuilt_cells(self.ws)

    def _cell(self, cell_type: Any, column: Column, *, mark: bool) -> Any:
        cell = cell_type(self.ws)
        cell.border = self._styles.border
        cell.alignment = self._styles.data_alignment
        if column.excel_format:
            cell.number_format = column.excel_format
        if mark:
            cell.fill = self._styles.mark_fill
        return cell

    def add(self, row: SheetRow) -> None:
        if self._pending is None:
            self._write(row)
            return
        self._pending.append(row)
        if len(self._pending) >= SAMPLE_ROWS:
            self._start()

    def finish(self) -> None:
        if self._pending is not None:
            self._start()
        if self.spec.autofilter:
            from openpyxl.utils import get_column_letter

            self.ws.auto_filter.ref = f"A1:{get_column_letter(self._width)}{self.count + 1}"

    def _start(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        pending, self._pending = self._pending or [], None
        ws, styles = self.ws, self._styles
        for i, width in enumerate(column_widths(self.spec, (r.values for r in pending)), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.sheet_format.defaultRowHeight = ROW_HEIGHT
        ws.sheet_format.customHeight = True
        if self.spec.freeze_header:
            ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = HEADER_HEIGHT
        header = []
        for column in self.spec.columns:
            cell = WriteOnlyCell(ws, value=column.name)
            cell.font, cell.fill = styles.header_font, styles.header_fill
            cell.alignment, cell.border = styles.header_alignment, styles.border
            header.append(cell)
        ws.append(header)
        for row in pending:
            self._write(row)

    def _write(self, row: SheetRow) -> None:
        cells = self._marked if row.mark else self._plain
        values = row.values
        if len(values) < self._width:
            values = [*values, *([None] * (self._width - len(values)))]
        for cell, value in zip(cells, values, strict=False):
            cell.value = _safe(value)
        self.count += 1
        # A row's height is read from row_dimensions when the row is written (at append, in write-only
        # mode): set it for this row only, so 200,000 rows do not keep 200,000 dimension objects.
        index = self.count + 1
        dims = self.ws.row_dimensions
        dims[index] = self._row_height
        self.ws.append(cells)
        del dims[index]


def _prebuilt_cells(values: list[Any], row_idx: int) -> Iterator[Any]:
    for col_idx, cell in enumerate(values, start=1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def _hook_prebuilt_cells(ws: Any) -> None:
    """Skip openpyxl's value-or-cell probing for rows made only of our styled cells.

    WriteOnlyWorksheet._values_to_row first tries each appended item as a plain value; a cell object
    fails that with a formatted ValueError, once per cell, which costs about a third of the write time.
    Our rows are always complete lists of prebuilt cells, so they need none of that. If a future
    openpyxl drops the method, appending cells still works through the public path, only slower.
    """
    if callable(getattr(ws, "_values_to_row", None)):
        ws._values_to_row = _prebuilt_cells


def write_xlsx(layout: Layout, rows: Iterable[SheetRow], out: Path | IO[bytes]) -> dict[str, int]:
    """Write the layout's workbook; returns the number of data rows per sheet."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    styles = _Styles()
    sheets: dict[str, _SheetWriter] = {}
    for spec in layout.sheets:
        if spec.always:
            sheets[spec.name] = _SheetWriter(wb, spec, styles)
    for row in rows:
        writer = sheets.get(row.sheet.name)
        if writer is None:
            writer = sheets[row.sheet.name] = _SheetWriter(wb, row.sheet, styles)
        writer.add(row)
    for writer in sheets.values():
        writer.finish()
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return {name: w.count for name, w in sheets.items()}
