"""Cell values shared by every export format: text made safe, numbers and dates made real.

Spreadsheets treat text that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or CR) as a formula, so
text taken from a PDF could run as one when a file is opened (CSV injection). Such text is prefixed with
an apostrophe, the OWASP recommendation, in XLSX and CSV alike. JSON exports keep text unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit for one cell.
MAX_CELL = 32_767
# Control characters XML 1.0 forbids: openpyxl refuses them, and OCR text can contain them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_text(value: str) -> str:
    """Text fit for a spreadsheet cell: cut to Excel's limit, never a formula, no illegal characters."""
    if len(value) > MAX_CELL - 1:
        value = value[: MAX_CELL - 1]
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """Any value, with text made safe (other types pass through)."""
    return safe_text(value) if isinstance(value, str) else value


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def number(value: Any) -> float | int | str | None:
    """A number stays a number; a numeric string ("1,035.50") becomes one; other text stays text."""
    if value is None or value == "" or isinstance(value, bool):
        return None if value is None or value == "" else str(value)
    if isinstance(value, int | float):
        return value
    raw = str(value).replace(",", "").strip()
    if _NUMBER.match(raw):
        return float(raw) if "." in raw else int(raw)
    return str(value)


def date(value: Any) -> dt.date | str | None:
    """An ISO date ("2025-03-14", or the date part of a timestamp) becomes a real date; else text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)


def time(value: Any) -> dt.time | str | None:
    """ "HH:MM" (or "HH:MM:SS") becomes a real time of day; else text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        return str(value)
