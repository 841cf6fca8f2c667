"""Tables from word geometry: columns are the x-ranges that consecutive lines' segments fill, and the
gutters between them the whitespace that every line of the region leaves free.

A region grows line by line from a line of two or more segments. A line joins it when it is close
below the last one (within the region's usual row spacing) and keeps the columns apart: a single
segment must fit one column (a row with one filled cell); a line of several segments may merge
columns only while most of its own remain and at least half of the region's (a label wider than its
column). Captions and lines that span columns with prose end a region; a short region of words right
above one with numbers is its header. The grid is then read off: one row per line, one cell per
column. Ruling is neither needed nor seen (profiles get words), which is also why this costs
milliseconds per page where PyMuPDF's find_tables takes 0.35 to 0.95 s (RESEARCH.md).
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

from paperlane.profiles.structure.lines import Line, Segment

Band = tuple[float, float]

# A line starts more than this many line heights below the previous one: a new block.
_MAX_ROW_GAP = 1.6
# ... or more than this many times the region's usual gap between rows (and half a line height).
_GAP_GROWTH = 2.5
_MIN_BREAK = 0.5
# Segments closer than this many line heights share a column.
_MIN_GUTTER = 0.25
# A segment of this many words spanning columns is prose, not a cell.
_PROSE_WORDS = 10
# More words than this per filled cell, on average, is text in columns, not a table.
_MAX_WORDS_PER_CELL = 6.0
# ... or more than this share of cells of at least this many words: lines of text columns.
_MAX_PROSE_CELLS = 0.25
_PROSE_CELL_WORDS = 8
_SHORT_CELL_WORDS = 3
_MAX_HEADER_ROWS = 4
# A joining line keeps at least this share of its own segments as columns, or a new region starts.
_RESTART = 0.75
# A header is at most this many line heights above the body (ruled headers stand apart).
_MAX_HEADER_GAP = 3.0
# "Table 6.3: ...", "Figure 2 ...": a caption starts something new, and is no pair.
CAPTION = re.compile(r"^(?:table|figure|fig\.?|chart|exhibit|graph|plate)\s*[\dIVX]", re.IGNORECASE)
_CURRENCY = {"$", "€", "£", "¥", "₹", "Rs", "Rs.", "INR", "USD", "EUR"}
# Signs that may lead an amount: minus (U+2212) and en dash (U+2013) too.
_NUMERIC = re.compile(r"^[(+\-\u2212\u2013$€£¥₹]*\s*[\d][\d\s,.:/%'-]*\)?%?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# "14 Mar 2025", "March 14, 2025"
_TEXT_DATE = re.compile(r"^(?:\d{1,2}\s[A-Za-z]{3,9}\.?,?\s\d{2,4}|[A-Za-z]{3,9}\.?\s\d{1,2},?\s\d{4})$")


@dataclass
class Region:
    lines: list[Line]
    bands: list[Band]


@dataclass
class Grid:
    rows: list[list[str]]

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def is_numeric(text: str) -> bool:
    """Amounts, counts, dates and times: cells a table's body has and its header has not."""
    text = text.strip()
    return any(c.isdigit() for c in text) and bool(_NUMERIC.match(text) or _TEXT_DATE.match(text))


def _merge(intervals: list[Band], gutter: float) -> list[Band]:
    merged: list[list[float]] = []
    for x0, x1 in sorted(intervals):
        if merged and x0 - merged[-1][1] < gutter:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _spans(bands: list[Band], seg: Segment) -> int:
    return sum(1 for x0, x1 in bands if seg.x0 < x1 and seg.x1 > x0)


def _intervals(line: Line) -> list[Band]:
    return [(s.x0, s.x1) for s in line.segments]


def find_regions(lines: list[Line]) -> list[tuple[int, Region]]:
    """Candidate table regions, each with the index of its first line."""
    found: list[tuple[int, Region]] = []
    start, current, bands = 0, list[Line](), list[Band]()

    def close() -> None:
        if len(current) >= 2 and len(bands) >= 2:
            found.append((start, Region(list(current), bands)))

    for i, line in enumerate(lines):
        if current:
            joined = _joined(current, bands, line)
            if joined is not None:
                current.append(line)
                bands = joined
                continue
            close()
        current, bands, start = [], [], i
        if len(line.segments) >= 2:
            current = [line]
            bands = _merge(_intervals(line), _MIN_GUTTER * line.height)
    close()
    return attach_headers(found)


def _joined(current: list[Line], bands: list[Band], line: Line) -> list[Band] | None:
    """The region's columns with ``line`` in it, or None when the line does not belong."""
    height = median([*(ln.height for ln in current[-3:]), line.height])
    gap = line.y0 - current[-1].y1
    if gap > _MAX_ROW_GAP * height:
        return None
    if len(current) >= 2:
        # Rows keep their spacing: a gap well beyond the region's is where another block begins.
        usual = median(b.y0 - a.y1 for a, b in itertools.pairwise(current))
        if gap > max(_MIN_BREAK * height, _GAP_GROWTH * max(usual, 0.0)):
            return None
    if len(line.segments) == 1 and CAPTION.match(line.segments[0].text):
        return None
    for seg in line.segments:
        if _spans(bands, seg) >= 2 and (len(line.segments) == 1 or len(seg.words) >= _PROSE_WORDS):
            return None
    merged = _merge(bands + _intervals(line), _MIN_GUTTER * height)
    if len(merged) < max(2, math.ceil(len(bands) / 2)):
        return None
    if len(merged) < _RESTART * len(line.segments):
        return None  # the line has many more columns than the region would keep: a new one starts
    return merged


def attach_headers(regions: list[tuple[int, Region]]) -> list[tuple[int, Region]]:
    """A short region of words only, right above a region with numbers and in its columns, is that
    table's header: rules or spacing often set a header apart by more than a row's gap."""
    out: list[tuple[int, Region]] = []
    for start, region in regions:
        if out:
            above_start, above = out[-1]
            lines = above.lines + region.lines
            height = median(ln.height for ln in lines)
            bands = _merge(above.bands + region.bands, _MIN_GUTTER * height)
            fits = (
                above_start + len(above.lines) == start
                and len(above.lines) <= _MAX_HEADER_ROWS
                and region.lines[0].y0 - above.lines[-1].y1 <= _MAX_HEADER_GAP * height
                and not any(
                    is_numeric(s.text) and not _YEAR.match(s.text) for ln in above.lines for s in ln.segments
                )
                and any(is_numeric(s.text) for s in region.lines[0].segments)
                and len(bands) >= _RESTART * len(region.bands)
            )
            if fits:
                out[-1] = (above_start, Region(lines, bands))
                continue
        out.append((start, region))
    return out


def read_grid(region: Region) -> Grid:
    starts = [x0 for x0, _ in region.bands]
    rows: list[list[str]] = []
    for line in region.lines:
        cells: list[list[str]] = [[] for _ in region.bands]
        for seg in line.segments:
            cells[max(0, bisect_right(starts, (seg.x0 + seg.x1) / 2) - 1)].append(seg.text)
        rows.append([" ".join(c) for c in cells])
    return Grid(rows)


def merge_currency_columns(grid: Grid) -> Grid:
    """A column of currency signs alone ("$" before right-aligned amounts) joins the next column."""
    width = grid.columns
    keep = list(range(width))
    for c in range(width - 1):
        filled = [r[c] for r in grid.rows if r[c]]
        if filled and all(v in _CURRENCY for v in filled):
            for r in grid.rows:
                r[c + 1] = f"{r[c]} {r[c + 1]}".strip() if r[c + 1] else r[c]
                r[c] = ""
            keep.remove(c)
    return Grid([[r[c] for c in keep] for r in grid.rows])


def is_tabular(grid: Grid) -> bool:
    """Enough rows with several cells, short cells: a table (or a form), not columns of prose."""
    if grid.columns < 2 or len(grid.rows) < 2:
        return False
    if len(grid.rows) < 3 and grid.columns < 3:
        return False
    multi = sum(1 for r in grid.rows if sum(1 for v in r if v) >= 2)
    if multi < 2 or multi < 0.5 * len(grid.rows):
        return False
    # A mostly filled column of short cells (names, codes, numbers): columns of text have none.
    columns = [[len(r[c].split()) for r in grid.rows if r[c]] for c in range(grid.columns)]
    if not any(len(col) >= 0.5 * len(grid.rows) and median(col) <= _SHORT_CELL_WORDS for col in columns):
        return False
    filled = [len(v.split()) for r in grid.rows for v in r if v]
    if sum(1 for n in filled if n >= _PROSE_CELL_WORDS) > _MAX_PROSE_CELLS * len(filled):
        return False
    return sum(filled) / len(filled) <= _MAX_WORDS_PER_CELL


def _headerish(row: list[str]) -> bool:
    # Years head columns ("2023", "2024") as often as they fill them.
    return not any(is_numeric(v) and not _YEAR.match(v) for v in row if v)


def split_header(rows: list[list[str]]) -> tuple[list[str] | None, list[list[str]]]:
    """Leading rows without numbers above a body with numbers are the header (merged column-wise when
    it takes several lines); without numbers anywhere, a complete first row is."""
    body_has_numbers = any(is_numeric(v) for r in rows for v in r if v)
    if body_has_numbers:
        n = 0
        while n < min(_MAX_HEADER_ROWS, len(rows) - 1) and _headerish(rows[n]):
            n += 1
        if n == 0:
            return None, rows
        header = [" ".join(r[c] for r in rows[:n] if r[c]) for c in range(len(rows[0]))]
        return header, rows[n:]
    if all(rows[0]) and len(rows) >= 2:
        return rows[0], rows[1:]
    return None, rows
