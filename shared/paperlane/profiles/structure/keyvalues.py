"""Key-value pairs: "Label: value" (also "=" and dot leaders) within a segment, a label ending in a
separator followed by its value across a gap, and label/value columns (structure/__init__.py)."""

from __future__ import annotations

import re

from paperlane.profiles.structure.lines import Line
from paperlane.profiles.structure.tables import CAPTION, is_numeric

# A full-width colon (U+FF1A) separates as ":" does.
_COLON = ":\uff1a"
_KEY = r"(?P<key>[^\W\d_][^:=]{0,59}?)"
_LEADER = r"(?:\s?\.){3,}|…+|_{3,}"
# "Label: value", "Label = value", "Label ....... value"; a colon must be followed by a space, so
# times (10:30) and URLs never split.
_INLINE = re.compile(rf"^{_KEY}\s*(?:[{_COLON}]\s+|\s=\s+|\s*(?:{_LEADER})\s*)(?P<value>\S.*)$")
# A label alone, its value in the next segment or cell: "Invoice number:", "Total ......".
_LABEL = re.compile(rf"^{_KEY}\s*(?:[{_COLON}=]|{_LEADER})$")
_MAX_KEY_WORDS = 6
_TRAILING = re.compile(rf"[\s.{_COLON}=…_-]+$")
_MAX_VALUE = 160


def clean_key(raw: str) -> str:
    """A label without its separator or leader dots ("Account no. ......" -> "Account no")."""
    return _TRAILING.sub("", raw.strip())


def _key(raw: str) -> str | None:
    key = clean_key(raw)
    if not key or len(key.split()) > _MAX_KEY_WORDS or not any(c.isalpha() for c in key):
        return None
    if CAPTION.match(key):
        return None
    return key


def inline_pair(text: str) -> tuple[str, str] | None:
    match = _INLINE.match(text.strip())
    if not match or len(match["value"]) > _MAX_VALUE:
        return None
    key, value = _key(match["key"]), match["value"].strip()
    if key is None or _clause(key, value):
        return None
    return key, value


def _clause(key: str, value: str) -> bool:
    """A sentence with a colon in it: a lower-case lead-in of several words, or a value that is a
    sentence of its own (several words and a full stop)."""
    lead_in = key[0].islower() and len(key.split()) >= 3
    return lead_in or (value.endswith(".") and len(value.split()) >= 5)


def label(text: str) -> str | None:
    """The key of a cell that is a label alone ("Name:"), else None."""
    match = _LABEL.match(text.strip())
    return _key(match["key"]) if match else None


def is_label_like(text: str) -> bool:
    """Could name a value: starts with a letter, a few words, not a number."""
    words = text.split()
    return bool(words) and text[0].isalpha() and len(words) <= _MAX_KEY_WORDS and not is_numeric(text)


def pairs_in_cells(cells: list[str]) -> list[tuple[str, str]]:
    """Pairs in a row of cells (or a line's segments), left to right."""
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(cells):
        text = cells[i]
        key = label(text) if text else None
        if key and i + 1 < len(cells) and cells[i + 1] and label(cells[i + 1]) is None:
            pairs.append((key, cells[i + 1].strip()))
            i += 2
            continue
        pair = inline_pair(text) if text else None
        if pair:
            pairs.append(pair)
        i += 1
    return pairs


def pairs_in_line(line: Line) -> list[tuple[str, str]]:
    return pairs_in_cells([s.text for s in line.segments])


def kv_rows(rows: list[list[str]]) -> int:
    """How many rows hold a pair by separator."""
    return sum(1 for r in rows if pairs_in_cells(r))
