"""Dates, kick-off times and odds as coupons print them.

Dates come day-first (European coupons) unless the first number cannot be a day-of-month pair that way.
When the year is missing it is inferred from the other dates on the coupon (validity line, dated
headings), from the printed weekday when there is one, else as the nearest date not in the past.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from paperlane.profiles.football.text import fold

# Month names (English first, then the continental spellings European coupons print); a printed month
# must be at least three letters of one of them, so "Mainz 05" is no date.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "enero", "gennaio", "januar", "janvier", "janeiro", "januari"),
    ("february", "febrero", "febbraio", "februar", "fevrier", "fevereiro", "februari"),
    ("march", "marzo", "marz", "mars", "marco", "maart"),
    ("april", "abril", "aprile", "avril"),
    ("may", "mayo", "maggio", "mai", "maio", "mei"),
    ("june", "junio", "giugno", "juni", "juin", "junho"),
    ("july", "julio", "luglio", "juli", "juillet", "julho"),
    ("august", "agosto", "aout", "augustus"),
    ("september", "septiembre", "settembre", "septembre", "setembro", "sept"),
    ("october", "octubre", "ottobre", "oktober", "octobre", "outubro"),
    ("november", "noviembre", "novembre", "novembro"),
    ("december", "diciembre", "dicembre", "dezember", "decembre", "dezembro"),
)
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

# Spaces inside a date are optional: OCR of small type drops them ("Sun16Aug"). A month name must end
# its word, so "05 Mainz" is no 5 May.
_WD = r"(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*"
_MON = r"(?P<mon>[a-z]{3,9})\b\.?"
_DATE_PATTERNS = (
    # 2026-11-22
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # 22/11/2026, 21.11.2026, 22-11-26
    re.compile(
        rf"(?:{_WD})?(?<![\d.:,])(?P<d>\d{{1,2}})[./-](?P<m>\d{{1,2}})[./-](?P<y>(?:19|20)\d{{2}}|\d{{2}})(?![.,:]?\d)"
    ),
    # 22/11 and 22.11. without a year; "1.12" without the final dot reads as odds, not as a date.
    re.compile(rf"(?:{_WD})?(?<![\d.:,/])(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?![\d/:,.]?\d)"),
    re.compile(rf"(?:{_WD})?(?<![\d.:,])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?!\d)"),
    # Saturday 21 November 2026, Sun 22 Nov, 22 Nov 2026, 22nd November
    re.compile(
        rf"(?:{_WD})?(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s*{_MON}(?:,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d))?(?![\d:])"
    ),
    # November 21, 2026 / Sun, Nov 22
    re.compile(
        rf"(?:{_WD})?{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d))?(?![\d:.,]\d)"
    ),
)
_TIME = re.compile(
    r"(?<![\d.,])(?P<h>\d{1,2})\s?[:h]\s?(?P<m>\d{2})(?:\s?(?P<ap>[ap])\.?m\.?)?(?![\d])", re.I
)
_ODDS = re.compile(r"^(?P<i>\d{1,4})(?:[.,](?P<f>\d{1,3}))$")
# Hyphen, en dash, em dash: "not offered".
_MISSING = frozenset({"-", "\u2013", "\u2014", "--", "n/a"})


class DateMatch(NamedTuple):
    year: int | None
    month: int
    day: int
    weekday: int | None
    start: int
    end: int


class TimeMatch(NamedTuple):
    value: str
    start: int
    end: int


def parse_month(word: str) -> int | None:
    """The month a (folded) word names: at least three letters of a month's name in one of the
    coupons' languages."""
    if len(word) < 3:
        return None
    for number, spellings in enumerate(_MONTH_NAMES, start=1):
        if any(name.startswith(word) for name in spellings):
            return number
    return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date printed in ``text``, in order, without overlaps."""
    low = fold(text)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(low):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            parts = m.groupdict()
            month = parse_month(parts["mon"]) if parts.get("mon") else int(parts["m"])
            if month is None:
                continue
            day = int(parts["d"])
            if "mon" not in parts and "m" in parts and month > 12 and day <= 12:
                day, month = month, day  # 11/22/2026: only month-first reading is a date
            year: int | None = int(parts["y"]) if parts.get("y") else None
            if year is not None and year < 100:
                year += 2000
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            if year is not None:
                try:
                    dt.date(year, month, day)
                except ValueError:
                    continue
            weekday = _WEEKDAYS.get(parts["wd"][:3]) if parts.get("wd") else None
            found.append(DateMatch(year, month, day, weekday, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def infer_year(
    month: int,
    day: int,
    *,
    weekday: int | None = None,
    anchors: list[dt.date] | None = None,
    today: dt.date | None = None,
) -> dt.date | None:
    """The full date for a day and month printed without a year."""
    anchors = anchors or []
    reference = today or dt.date.today()
    base_years = sorted({a.year for a in anchors}) or [reference.year]
    candidates: list[dt.date] = []
    for year in range(min(base_years) - 1, max(base_years) + 2):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 29 February
            continue
    if weekday is not None:
        # The printed weekday pins the year down within a 28-year cycle; use it when it agrees.
        agreeing = [c for c in candidates if c.weekday() == weekday]
        candidates = agreeing or candidates
    if not candidates:
        return None
    if anchors:
        return min(candidates, key=lambda c: min(abs((c - a).days) for a in anchors))
    upcoming = [c for c in candidates if c >= reference - dt.timedelta(days=7)]
    return min(upcoming or candidates, key=lambda c: abs((c - reference).days))


def find_times(text: str) -> list[TimeMatch]:
    """Kick-off times (15:00, 15h00, 3:00 PM, 3.00pm is not a time: it reads as odds) as HH:MM 24 h."""
    found: list[TimeMatch] = []
    for m in _TIME.finditer(text):
        hour, minute = int(m["h"]), int(m["m"])
        ap = (m["ap"] or "").lower()
        if ap:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ap == "p" else 0)
        if hour > 23 or minute > 59:
            continue
        found.append(TimeMatch(f"{hour:02d}:{minute:02d}", m.start(), m.end()))
    return found


def parse_time(text: str) -> str | None:
    times = find_times(text)
    return times[0].value if times else None


def is_missing(token: str) -> bool:
    """A market the bookmaker does not offer for the game."""
    return token.strip().lower() in _MISSING


def parse_odds(token: str) -> float | None:
    """Decimal odds, with a decimal point or a decimal comma; None when the token is not odds."""
    m = _ODDS.match(token.strip())
    if m is None:
        return None
    value = float(f"{m['i']}.{m['f']}")
    # Decimal odds start above 1; 1.00 and below is no price (and "0.5" is a handicap line).
    return value if 1.0 < value <= 1000.0 else None


def to_date(match: DateMatch, *, anchors: list[dt.date], today: dt.date | None = None) -> dt.date | None:
    if match.year is not None:
        return dt.date(match.year, match.month, match.day)
    return infer_year(match.month, match.day, weekday=match.weekday, anchors=anchors, today=today)
