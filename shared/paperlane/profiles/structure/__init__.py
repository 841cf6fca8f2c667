"""Tables and key-value pairs of a page, from its word boxes alone (text layer or OCR alike).

1. Words become visual lines and segments (lines.py).
2. Consecutive lines whose segments keep to common columns form regions (tables.py).
3. A region is a form when most of its rows hold "Label: value" pairs, or when it has two columns of
   labels and values without a header; otherwise it is a table, with a header when its first rows
   read like one.
4. Lines outside regions give their "Label: value" pairs (keyvalues.py).

Pure Python over a few hundred words per page: a few milliseconds, no rendering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from paperlane.pages import Word
from paperlane.profiles.structure import keyvalues, tables
from paperlane.profiles.structure.lines import Line, visual_lines

# Share of a region's rows that must hold separator pairs for it to be a form.
_FORM_ROWS = 0.6
# A line of more words than this is prose: a colon in it does not make a pair.
_PROSE_LINE_WORDS = 16
# Lines of a paragraph are at least this share of the page's text width (but its last).
_PROSE_WIDTH = 0.6
# ... and, when justified wide enough to fall apart into segments, at least this many words.
_PROSE_MIN_WORDS = 8
# Most of a column's cells are numbers: a column of data under a header.
_NUMERIC_COLUMN = 0.8


@dataclass
class Table:
    header: list[str] | None
    rows: list[list[str]]


@dataclass
class PageStructure:
    key_values: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def analyse(words: Sequence[Word]) -> PageStructure:
    lines = visual_lines(words)
    found = PageStructure()
    used: set[int] = set()
    pairs_at: dict[int, list[tuple[str, str]]] = {}
    notes: list[tuple[int, tuple[str, str]]] = []
    for start, region in tables.find_regions(lines):
        grid = tables.merge_currency_columns(tables.read_grid(region))
        if not tables.is_tabular(grid):
            continue
        used.update(range(start, start + len(region.lines)))
        if _is_form(grid.rows):
            pairs_at[start] = _form_pairs(grid.rows)
        else:
            rows = list(grid.rows)
            # A note right under a table ("Source: ...") fits its first column: it is a pair.
            while len(rows) > 2 and (note := _note(rows[-1])) is not None:
                notes.append((start + len(rows) - 1, note))
                rows.pop()
            header, body = tables.split_header(rows)
            found.tables.append(Table(header, body))
    for at, pair in reversed(notes):
        pairs_at.setdefault(at, []).append(pair)
    prose = _paragraph_lines(lines)
    for i, line in enumerate(lines):
        if i in pairs_at:
            found.key_values.extend(pairs_at[i])
        elif i not in used and i not in prose and len(line.text.split()) <= _PROSE_LINE_WORDS:
            found.key_values.extend(keyvalues.pairs_in_line(line))
    return found


def _paragraph_lines(lines: list[Line]) -> set[int]:
    """Lines of running text, where a colon starts a clause, not a value: wide lines without pairs
    (of one segment, or of many words when justified), and any line right above or below one."""
    if not lines:
        return set()
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    wide = _PROSE_WIDTH * (right - left)

    def running(line: Line) -> bool:
        if line.x1 - line.x0 < wide:
            return False
        if len(line.segments) > 1 and len(line.text.split()) < _PROSE_MIN_WORDS:
            return False
        return not all(keyvalues.inline_pair(s.text) for s in line.segments)

    def close(a: int, b: int) -> bool:
        return lines[b].y0 - lines[a].y1 < 0.5 * lines[b].height

    flags = [running(ln) for ln in lines]
    return {
        i
        for i in range(len(lines))
        if flags[i]
        or (i > 0 and flags[i - 1] and close(i - 1, i))
        or (i + 1 < len(lines) and flags[i + 1] and close(i, i + 1))
    }


def _note(row: list[str]) -> tuple[str, str] | None:
    filled = [v for v in row if v]
    return keyvalues.inline_pair(filled[0]) if len(filled) == 1 else None


def _is_form(rows: list[list[str]]) -> bool:
    if keyvalues.kv_rows(rows) >= _FORM_ROWS * len(rows):
        return True
    if len(rows[0]) != 2:
        return False
    lefts = [r[0] for r in rows if r[0]]
    rights = [r[1] for r in rows if r[1]]
    if not lefts or not all(keyvalues.is_label_like(v) for v in lefts):
        return False
    # "Country | Population" over numbers is a table with a header; labels over mixed values a form.
    has_header = bool(rows[0][1]) and not tables.is_numeric(rows[0][1])
    numbers = sum(1 for v in rights[1:] if tables.is_numeric(v))
    return not (has_header and numbers >= _NUMERIC_COLUMN * max(1, len(rights) - 1))


def _form_pairs(rows: list[list[str]]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for row in rows:
        found = keyvalues.pairs_in_cells(row)
        if not found and len(row) == 2 and row[0] and row[1] and keyvalues.is_label_like(row[0]):
            found = [(keyvalues.clean_key(row[0]), row[1].strip())]
        elif not found and len(row) == 2 and not row[0] and row[1] and pairs:
            # A value wrapped onto the next line, under itself.
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {row[1]}")
        pairs.extend(found)
    return pairs
