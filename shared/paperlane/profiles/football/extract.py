"""Games from word boxes, whatever the coupon's layout.

The extractor assumes only what every coupon shares: one game per printed row, its odds as separate
numbers aligned in columns, the teams as text on the same row. Everything else is discovered:
  * rows are words whose boxes overlap vertically; cells are runs of words separated by a column gap;
  * a game row has at least three odds cells and team text; cells holding a date, a time, a league or a
    bare integer (the bookmaker's event code) are context, not teams;
  * a header row (cells such as 1 / X / 2 / 1X / U2.5 / BTTS Yes) maps odds columns to markets by x;
    without one, the first three odds are 1 / X / 2;
  * rows without odds that name a league or a date set the context for the rows below, across page
    breaks too;
  * two coupons side by side are split at the vertical gutter between them and read one after the other.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from paperlane import clock
from paperlane.pages import Page, Word
from paperlane.profiles.football.anomalies import DEFAULT_BAND, OverroundBand
from paperlane.profiles.football.leagues import match_league
from paperlane.profiles.football.parse import (
    DateMatch,
    find_dates,
    find_times,
    is_missing,
    parse_month,
    parse_odds,
    to_date,
)
from paperlane.profiles.football.teams import TeamMatch, normalize
from paperlane.profiles.football.text import fold

# Market keys, in the order the contract lists them.
MARKETS: dict[str, tuple[str, ...]] = {
    "1X2": ("1", "X", "2"),
    "DC": ("1X", "12", "X2"),
    "OU2.5": ("Under", "Over"),
    "BTTS": ("Yes", "No"),
}

_LABELS: dict[str, tuple[str, str]] = {
    "1": ("1X2", "1"),
    "x": ("1X2", "X"),
    "2": ("1X2", "2"),
    "1x": ("DC", "1X"),
    "12": ("DC", "12"),
    "x2": ("DC", "X2"),
    "u": ("OU2.5", "Under"),
    "under": ("OU2.5", "Under"),
    "o": ("OU2.5", "Over"),
    "over": ("OU2.5", "Over"),
    "yes": ("BTTS", "Yes"),
    "gg": ("BTTS", "Yes"),
    "no": ("BTTS", "No"),
    "ng": ("BTTS", "No"),
}
# Words that only qualify a label: "BTTS Yes", "Under 2.5", "U/O 2.5 Over", "Goals Over".
_LABEL_NOISE = re.compile(r"\b(btts|both teams to score|goals?|2[.,]5|u/o|o/u|\+|-|<|>)\b|[<>+]")
# Standalone words that separate two team names in one cell.
_SEPARATORS = frozenset({"-", "\u2013", "\u2014", "v", "vs", "vs.", "v.", "x", ":", "/"})
_WEEKDAY_WORDS = re.compile(
    r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|rsday|urday|sday)?\.?,?$", re.I
)
_HAS_LETTER = re.compile(r"[^\W\d_]")


class FootballOptions(BaseModel):
    """What a document's uploader may choose (the upload's ``options``)."""

    model_config = ConfigDict(extra="forbid")

    main_matches_only: bool = Field(
        default=False, description="Drop games whose 1X2 odds are not all printed"
    )
    extract_football: bool = Field(
        default=True, description="Off: no games, only the text (for pipelines that want the pages)"
    )
    overround_min: float = Field(
        default=DEFAULT_BAND.low,
        ge=0.5,
        le=1.5,
        description="A 1X2 book (sum of 1/odds) below this is margin_low",
    )
    overround_max: float = Field(
        default=DEFAULT_BAND.high, ge=1.0, le=3.0, description="A 1X2 book above this is margin_high"
    )

    @model_validator(mode="after")
    def _band(self) -> FootballOptions:
        self.band  # noqa: B018 - validates the pair
        return self

    @property
    def band(self) -> OverroundBand:
        try:
            return OverroundBand(low=self.overround_min, high=self.overround_max)
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None


@dataclass(frozen=True)
class Cell:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Row:
    words: list[Word]

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Slot:
    """One odds column from a header row: its x centre and what it prices."""

    x: float
    market: str
    key: str


@dataclass
class Context:
    league: str | None = None
    date: dt.date | None = None
    slots: list[Slot] = field(default_factory=list)
    # The first day of a validity line ("valid 21.11.2026 to 23.11.2026"): the date of games listed
    # before any date heading could be read (an OCR'd heading can come out as noise).
    opening: dt.date | None = None


# ---------------------------------------------------------------- geometry


# OCR misreads in figures: "§", "$" and "S" for a 5, "O" for a 0, a rule's "|" or "]" stuck to a price,
# the "h" of a "15h00" kick-off read as "n" (or doubled), specks read as "=" or "." stuck to a time. Only
# OCR words (they carry a confidence) are repaired.
_OCR_DIGITS = str.maketrans({"§": "5", "$": "5", "S": "5", "O": "0", "o": "0"})
# A rule or a speck beside a price reads as a bracket, a brace or a quote: "4,26}", "[1.90", or a
# curly quote before it.
_STUCK = "|[]{}()'`\u2018\u2019\u201c\u201d"
_OCR_ODDS = re.compile(
    rf"[{re.escape(_STUCK)}]*(?P<odds>[\d§$SOo]{{1,3}}[.,][\d§$SOo]{{2}})[{re.escape(_STUCK)}]*"
)
# A price with a speck after it read as a point: "5.57.".
_OCR_DOTTED = re.compile(r"(?P<i>\d{1,2})[.,](?P<f>\d{2})\.")
# Three figures with a lookalike among them and no point ("$32"): the decimal point may follow
# (``_undotted`` decides by where the cell stands).
_OCR_FIGURES = re.compile(rf"[{re.escape(_STUCK)}]*(?P<figures>[\d§$SO]{{3}})[{re.escape(_STUCK)}]*")
# Figures of a kick-off time may come out as lookalike letters too: "16h1S", "11hOO", "1Sh00".
_T = r"[\dSOo]"
_OCR_TIME = re.compile(
    rf"[=.,~\u2014-]*(?P<h>{_T}{{1,2}})(?:h?n|nh?|hh)(?P<m>{_T}{{2}})[=.,~]*"
    rf"|[=.,~\u2014-]+(?P<h2>{_T}{{1,2}})(?P<sep>[:h])(?P<m2>{_T}{{2}})[=.,~]*"
    rf"|(?P<h3>{_T}{{1,2}})(?P<sep3>h)(?P<m3>{_T}{{2}})"
)
# Characters OCR makes of a vertical rule: alone it is a column boundary, stuck to a word it is dropped
# (and so is an underscore: a rule under the word).
_RULE_CHARS = "|[]¦"
# An "i", "l" or "I" after a digit, or between a letter and a digit, is a 1: "Suni6Aug", "Sun 1iJan".
_OCR_ONE = re.compile(r"(?<=\d)[iIl]|(?<=[^\W\d_])[iIl](?=\d)")
# A day-first date whose dots came out as commas: "24.02,2026".
_OCR_DATE = re.compile(r"(?P<d>\d{1,2})[.,](?P<m>\d{1,2})[.,](?P<y>(?:19|20)\d{2})[.,]?")


def _repair(word: Word) -> Word:
    """An OCR word that misreads a price or a kick-off time as it should read; other words as they are."""
    if word.confidence is None:
        return word
    odds = _OCR_ODDS.fullmatch(word.text)
    if odds and any(c.isdigit() for c in odds["odds"]):
        return word._replace(text=odds["odds"].translate(_OCR_DIGITS))
    dotted = _OCR_DOTTED.fullmatch(word.text)
    if dotted and int(dotted["f"]) > 12:  # "5.57.": no day.month. date (those end in a dot too)
        return word._replace(text=f"{dotted['i']}.{dotted['f']}")
    figures = _OCR_FIGURES.fullmatch(word.text)
    if figures and sum(c.isdigit() for c in figures["figures"]) >= 2:
        return word._replace(text=figures["figures"].translate(_OCR_DIGITS))
    date = _OCR_DATE.fullmatch(word.text)
    if date:
        return word._replace(text=f"{date['d']}.{date['m']}.{date['y']}")
    time = _OCR_TIME.fullmatch(word.text)
    if time and sum(c.isdigit() for c in time[0]) >= 2:
        if time["h"]:
            text = f"{time['h']}h{time['m']}"
        elif time["h2"]:
            text = f"{time['h2']}{time['sep']}{time['m2']}"
        else:
            text = f"{time['h3']}h{time['m3']}"
        return word._replace(text=text.translate(_OCR_DIGITS))
    text = _OCR_ONE.sub("1", word.text)
    if not _is_rule(text):
        text = text.strip(_RULE_CHARS + "_") or text
    return word._replace(text=text) if text != word.text else word


def _is_rule(text: str) -> bool:
    """A word that is only a table's vertical rule as OCR reads it ("|", "[", "]")."""
    return bool(text) and not text.strip(_RULE_CHARS)


def _level(words: list[Word]) -> list[Word]:
    """``words`` with the page's tilt taken out of their heights, so a printed row lies level.

    A scan fed in a degree askew has its OCR words boxed where they are on the page: across a 500 pt
    table a row then climbs or drops some 9 pt, about a row's pitch, and rows grouped by height run
    into each other. The tilt is the median slope of the lines the words came in (a Word's block and
    line: Tesseract's lines follow the print); each word moves up or down by it, at its centre.
    Text-layer lines are level, and come back as they are.
    """
    lines: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.line), []).append(w)
    slopes = []
    for line in lines.values():
        first, last = min(line, key=lambda w: w.x0), max(line, key=lambda w: w.x1)
        run = (last.x0 + last.x1 - first.x0 - first.x1) / 2
        if run >= 50.0:  # points: long enough for a word's height to tell little about the slope
            slopes.append((last.y0 + last.y1 - first.y0 - first.y1) / 2 / run)
    slope = median(slopes) if len(slopes) >= 3 else 0.0
    if abs(slope) < 0.002:  # under 0.1 degree: a few tenths of a point across the page
        return words
    out = []
    for w in words:
        dy = slope * (w.x0 + w.x1) / 2
        out.append(w._replace(y0=w.y0 - dy, y1=w.y1 - dy))
    return out


def _rows(words: Iterable[Word]) -> list[Row]:
    """Words grouped into printed rows: a word joins a row when its vertical centre lies inside it."""
    rows: list[Row] = []
    for w in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        if not w.text.strip():
            continue
        centre = (w.y0 + w.y1) / 2
        if rows:
            last = rows[-1]
            top, bottom = last.y0, last.y1
            if top <= centre <= bottom:
                last.words.append(w)
                continue
        rows.append(Row([w]))
    for row in rows:
        row.words.sort(key=lambda w: w.x0)
    return rows


def _cells(row: Row, *, odds_alone: bool = True) -> list[Cell]:
    """A row split into cells at gaps wider than a few spaces; odds stand alone (but not in headers,
    where "Under 2.5" is one label).

    A few spaces: half the row's word height, or one and a half of its characters' width, whichever is
    wider. The height alone does not do for OCR words, whose boxes hug the ink (a word in capitals
    and figures is about 0.65 of the type size high, against about 1.1 for a text layer's box): in a
    monospaced type a space is 0.6 of the size, so "Le Havre" would be two cells. Characters are 0.45
    to 0.6 of the size wide, a space 0.25 to 0.6, and columns stand at least a size or so apart.
    """
    words = [w for w in row.words if not _is_rule(w.text)] or row.words
    height = median(w.y1 - w.y0 for w in words)
    char = median((w.x1 - w.x0) / len(w.text) for w in words)
    gap = max(4.0, 0.5 * height, 1.5 * char)
    cells: list[list[Word]] = []
    rule = False  # a vertical rule read as a word ("|") ends the cell before it
    for w in row.words:
        if _is_rule(w.text):
            rule = True
            continue
        # A dash joins by distance like a word: "ENGLAND - CHAMPIONSHIP" is one cell, a "-" odds is not.
        alone = odds_alone and parse_odds(w.text) is not None
        previous_alone = odds_alone and bool(cells) and _stands_alone(cells[-1])
        if cells and not rule and not alone and not previous_alone and w.x0 - cells[-1][-1].x1 <= gap:
            cells[-1].append(w)
        else:
            cells.append([w])
        rule = False
    return [Cell(tuple(c)) for c in cells]


def _stands_alone(cell: list[Word]) -> bool:
    return len(cell) == 1 and (parse_odds(cell[0].text) is not None)


def _odds_words(row: Row) -> list[Word]:
    return [w for w in row.words if parse_odds(w.text) is not None or is_missing(w.text)]


def _split_columns(words: list[Word], width: float) -> list[list[Word]]:
    """Two coupons side by side become two word lists, split at the empty gutter between them."""
    rows = _rows(words)
    gamey = [r for r in rows if sum(parse_odds(w.text) is not None for w in r.words) >= 3]
    if len(gamey) < 2:
        return [words]
    covered = sorted((w.x0, w.x1) for r in gamey for w in r.words)
    gaps: list[tuple[float, float]] = []
    reach = covered[0][1]
    for x0, x1 in covered[1:]:
        if x0 > reach + 8.0:
            gaps.append((reach, x0))
        reach = max(reach, x1)
    for g0, g1 in sorted(gaps, key=lambda g: g[0] - g[1]):  # widest first
        cut = (g0 + g1) / 2
        if not 0.2 * width < cut < 0.8 * width:
            continue
        left = sum(_is_game_half(r.words, cut, left=True) for r in gamey)
        right = sum(_is_game_half(r.words, cut, left=False) for r in gamey)
        if min(left, right) >= max(1, len(gamey) // 4):
            lw = [w for w in words if (w.x0 + w.x1) / 2 < cut]
            rw = [w for w in words if (w.x0 + w.x1) / 2 >= cut]
            return [*_split_columns(lw, width), *_split_columns(rw, width)]
    return [words]


def _is_game_half(words: Sequence[Word], cut: float, *, left: bool) -> bool:
    """Whether one side of a candidate gutter is a game on its own (odds and teams, not just odds and a
    league or time column: that would be one wide coupon cut in two)."""
    side = [w for w in words if ((w.x0 + w.x1) / 2 < cut) == left]
    if not side:
        return False
    parts = _parts(Row(side))
    # OCR makes letters of rules and specks ("rat", "tele"): sure of none, they are no team names.
    named = any(_is_sure_name(w) for c in parts.teams for w in c.words)
    return _is_game(parts) and named


# OCR words below this confidence do not show that a side of a page holds team names (``_is_game_half``).
MIN_NAME_CONFIDENCE = 50.0


def _is_sure_name(word: Word) -> bool:
    confident = word.confidence is None or word.confidence >= MIN_NAME_CONFIDENCE
    return confident and len(_HAS_LETTER.findall(word.text)) >= 2


# ---------------------------------------------------------------- headers


def _label(text: str) -> tuple[str, str] | None:
    low = text.strip().lower()
    if low in ("l", "i", "!"):  # a lone "1" column label as OCR misreads it; no label reads so
        low = "1"
    if low in _LABELS:
        return _LABELS[low]
    compact = re.sub(r"\s+", "", low)
    if compact in ("u2.5", "u2,5", "under2.5", "-2.5", "<2.5"):
        return ("OU2.5", "Under")
    if compact in ("o2.5", "o2,5", "over2.5", "+2.5", ">2.5"):
        return ("OU2.5", "Over")
    if compact in ("1x2", "dc", "ou", "btts", "o/u", "u/o"):
        return None
    stripped = " ".join(_LABEL_NOISE.sub(" ", low).split())
    if stripped != low and stripped in _LABELS and stripped not in ("1", "2", "x", "12"):
        return _LABELS[stripped]
    return None


def _header_slots(row: Row) -> list[Slot] | None:
    """The odds columns a header row names, or None when the row is no odds header."""
    if sum(parse_odds(w.text) is not None for w in row.words) >= 3 or find_times(row.text):
        return None
    slots: list[Slot] = []
    for cell in _cells(row, odds_alone=False):
        label = _label(cell.text)
        if label is not None:
            slots.append(Slot(cell.xc, *label))
            continue
        # "1 X 2" printed with narrow spacing is one cell; its words are still separate columns.
        word_labels = [_label(w.text) for w in cell.words]
        if len(cell.words) > 1 and all(word_labels):
            slots.extend(
                Slot((w.x0 + w.x1) / 2, *lab) for w, lab in zip(cell.words, word_labels, strict=True) if lab
            )
    keys = {(s.market, s.key) for s in slots}
    if len(keys) < 3 or len(keys) != len(slots):
        return None
    return slots


def _assign(odds: list[Cell], slots: list[Slot]) -> dict[Cell, Slot] | None:
    """Each odds cell to the header column above it, or None when the cells do not line up."""
    if not slots:
        return None
    xs = sorted(s.x for s in slots)
    spacing = min((b - a for a, b in itertools.pairwise(xs)), default=40.0)
    tolerance = max(8.0, 0.55 * spacing)
    assigned: dict[Cell, Slot] = {}
    used: set[Slot] = set()
    for cell in odds:
        slot = min(slots, key=lambda s: abs(s.x - cell.xc))
        if abs(slot.x - cell.xc) > tolerance or slot in used:
            return None
        assigned[cell] = slot
        used.add(slot)
    return assigned


# ---------------------------------------------------------------- teams


def _split_teams(words: Sequence[Word], league: str | None, ocr: bool = False) -> tuple[str, str] | None:
    """ "Home - Away" in one cell: try every separator and keep the split whose sides normalise best."""
    texts = [w.text for w in words]
    options: list[tuple[str, str]] = []
    for i, t in enumerate(texts):
        if t.lower() in _SEPARATORS and 0 < i < len(texts) - 1:
            options.append((" ".join(texts[:i]), " ".join(texts[i + 1 :])))
    if not options:
        # "Arsenal-Burnley" printed without spaces: any hyphen may be the separator.
        joined = " ".join(texts)
        for m in re.finditer(r"\s*[-\u2013\u2014]\s*", joined):
            if m.start() > 0 and m.end() < len(joined):
                options.append((joined[: m.start()], joined[m.end() :]))
    if options:
        return max(options, key=lambda o: _pair_score(o[0], o[1], league, ocr))
    # Two team columns printed too close together read as one cell: split where both sides are clubs.
    splits = [(" ".join(texts[:i]), " ".join(texts[i:])) for i in range(1, len(texts))]
    known = [o for o in splits if _pair_score(o[0], o[1], league, ocr)[0] == 2]
    return max(known, key=lambda o: _pair_score(o[0], o[1], league, ocr)) if known else None


def _pair_score(home: str, away: str, league: str | None, ocr: bool = False) -> tuple[int, float]:
    a, b = normalize(home, league=league, ocr=ocr), normalize(away, league=league, ocr=ocr)
    return (int(a.matched) + int(b.matched), a.score + b.score)


def _teams(cells: list[Cell], league: str | None) -> tuple[str, str] | None:
    if not cells:
        return None
    ocr = _is_ocr(cells)
    candidates: list[tuple[str, str]] = []
    for a, b in itertools.pairwise(cells):
        candidates.append((a.text, b.text))
    for c in cells:
        split = _split_teams(c.words, league, ocr)
        if split:
            candidates.append(split)
    if not candidates:
        return None
    # Two team cells are the usual case; otherwise the pair that reads most like two known clubs.
    if len(cells) == 2 and _split_teams(cells[0].words, league, ocr) is None:
        first = candidates[0]
        best_known = max(_pair_score(h, a, league, ocr)[0] for h, a in candidates)
        if _pair_score(first[0], first[1], league, ocr)[0] >= best_known:
            return first
    return max(candidates, key=lambda c: _pair_score(c[0], c[1], league, ocr))


def _is_ocr(cells: Iterable[Cell]) -> bool:
    """Whether the cells were read by OCR (their words carry a confidence) rather than a text layer."""
    return any(w.confidence is not None for c in cells for w in c.words)


# ---------------------------------------------------------------- rows


@dataclass
class _RowParts:
    odds: list[Cell] = field(default_factory=list)
    teams: list[Cell] = field(default_factory=list)
    dates: list[tuple[int | None, int, int, int | None]] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    league: str | None = None


def _undotted(cells: list[Cell], slots: Sequence[Slot] = ()) -> list[Cell]:
    """OCR'd prices with a lost or misread decimal point put back, by where they stand.

    "7.91" read as "791", "2:54" or "5, 32": such a cell of OCR words is a price when it stands in an
    odds column of the header (``slots``), when it follows a price in the row, or when it comes right
    after the team names and before a price: the first of the odds. Event codes and kick-off times
    stand in columns of their own, before the teams, or before the odds only when the odds come first.
    """
    xs = sorted(s.x for s in slots)
    spacing = min((b - a for a, b in itertools.pairwise(xs)), default=40.0)
    out = list(cells)
    for i, cell in enumerate(cells):
        if any(w.confidence is None for w in cell.words):
            continue  # a text layer's words are as printed
        text = cell.text
        digits = re.fullmatch(r"(\d)(\d{2})", text) or re.fullmatch(r"(\d{1,2})(?:[:;]|[.,] )(\d{2})", text)
        if digits is None:
            continue
        before = out[i - 1].text if i > 0 else ""
        after = cells[i + 1].text if i + 1 < len(cells) else ""
        priced_before = parse_odds(before) is not None or is_missing(before)
        priced_after = parse_odds(after) is not None or is_missing(after)
        after_teams = _is_team_text(before) and not find_dates(before) and match_league(before) is None
        # Right after the teams and before a price, "791" or "1:25" is the first price: a kick-off
        # time never stands there.
        first_price = (len(text) == 3 or not text.isdigit()) and priced_after and after_teams
        in_column = any(abs(x - cell.xc) <= max(4.0, 0.3 * spacing) for x in xs)
        if priced_before or first_price or in_column:
            word = cell.words[0]._replace(text=f"{digits[1]}.{digits[2]}", x1=cell.words[-1].x1)
            out[i] = Cell((word,))
    return out


def _parts(row: Row, slots: Sequence[Slot] = ()) -> _RowParts:
    parts = _RowParts()
    cells = _undotted(_cells(row), slots)
    for i, cell in enumerate(cells):
        text = cell.text
        if parse_odds(text) is not None:
            parts.odds.append(cell)
            continue
        if is_missing(text):
            # A lone dash between two team cells separates them; elsewhere it is an odds not offered.
            before = cells[i - 1] if i > 0 else None
            after = cells[i + 1] if i + 1 < len(cells) else None
            if before and after and _is_team_text(before.text) and _is_team_text(after.text):
                parts.teams.append(cell)
            else:
                parts.odds.append(cell)
            continue
        rest = text
        for d in reversed(find_dates(rest)):
            parts.dates.append((d.year, d.month, d.day, d.weekday))
            rest = rest[: d.start] + " " + rest[d.end :]
        for t in reversed(find_times(rest)):
            parts.times.insert(0, t.value)
            rest = rest[: t.start] + " " + rest[t.end :]
        rest = " ".join(rest.split()).strip(" -|,")
        if _is_ocr([cell]):
            rest = _without_debris(rest)
        if not rest or rest.isdigit() or _WEEKDAY_WORDS.match(rest):
            continue  # a date/time cell, an event code or a lone weekday
        league = match_league(rest)
        if league is not None:
            parts.league = league.name
            continue
        if _HAS_LETTER.search(rest):
            parts.teams.append(Cell(_team_words(cell.words, rest)))
    parts.dates.reverse()
    # Cells of one "Home - Away" separated by a lone dash cell merge back into one.
    parts.teams = _merge_separated(parts.teams)
    return parts


# What OCR leaves before the team names of a row: a rule or a speck read as symbols ("=", "~—s",
# "»="), and the event code with a speck stuck to it ("=9926").
_DEBRIS_CHARS = "=~\u2014\u2013-»«.,:;_'`\u2018\u2019\u201c\u201d"


def _without_debris(text: str) -> str:
    """OCR'd cell text without the debris before its first name: leading words that are an event code
    (three or more figures) or that carry at most one letter among symbols. "1." of "1. FC Köln" may
    go too; the club is still found by the rest."""
    tokens = text.split()
    while len(tokens) > 1:
        head = tokens[0]
        bare = head.strip(_DEBRIS_CHARS)
        code = bare.isdigit() and len(bare) >= 3
        symbols = not head.isalnum() and len(_HAS_LETTER.findall(head)) <= 1
        if not (code or symbols):
            break
        tokens.pop(0)
    return " ".join(tokens)


def _team_words(words: tuple[Word, ...], rest: str) -> tuple[Word, ...]:
    """The cell's words minus date, time and code words, so printed names stay exactly as printed."""
    wanted = rest.split()
    kept: list[Word] = []
    for w in words:
        if wanted and w.text == wanted[0]:
            kept.append(w)
            wanted.pop(0)
    return tuple(kept) if kept else words


def _merge_separated(cells: list[Cell]) -> list[Cell]:
    merged: list[Cell] = []
    i = 0
    while i < len(cells):
        c = cells[i]
        if is_missing(c.text) and merged and i + 1 < len(cells):
            merged[-1] = Cell(merged[-1].words + c.words + cells[i + 1].words)
            i += 2
            continue
        merged.append(c)
        i += 1
    return merged


def _is_team_text(text: str) -> bool:
    return bool(_HAS_LETTER.search(text)) and parse_odds(text) is None and not find_times(text)


def _is_game(parts: _RowParts) -> bool:
    priced = sum(parse_odds(c.text) is not None for c in parts.odds)
    return len(parts.odds) >= 3 and priced >= 2 and bool(parts.teams)


# ---------------------------------------------------------------- document


def _anchors(rows: Iterable[Row]) -> list[dt.date]:
    """Every fully dated date on the coupon: the reference for dates printed without a year."""
    found: list[dt.date] = []
    for row in rows:
        for d in find_dates(row.text):
            if d.year is not None:
                found.append(dt.date(d.year, d.month, d.day))
    return found


def _game(
    parts: _RowParts, ctx: Context, page: int, anchors: list[dt.date], today: dt.date
) -> dict[str, Any] | None:
    league = parts.league or ctx.league
    teams = _teams(parts.teams, league)
    if teams is None:
        return None
    date = ctx.date or ctx.opening
    if parts.dates:
        year, month, day, weekday = parts.dates[0]
        date = to_date(DateMatch(year, month, day, weekday, 0, 0), anchors=anchors, today=today)
    assigned = _assign(sorted(parts.odds, key=lambda c: c.x0), ctx.slots)
    values: dict[str, dict[str, float | None]] = {}
    if assigned is not None:
        for cell, slot in assigned.items():
            values.setdefault(slot.market, {})[slot.key] = parse_odds(cell.text)
    else:
        for cell, k in zip(sorted(parts.odds, key=lambda c: c.x0), MARKETS["1X2"], strict=False):
            values.setdefault("1X2", {})[k] = parse_odds(cell.text)

    def market(name: str) -> dict[str, Any] | None:
        got = values.get(name, {})
        if all(got.get(k) is not None for k in MARKETS[name]):
            return {"market_type": name, "odds": {k: got[k] for k in MARKETS[name]}}
        return None

    ocr = _is_ocr(parts.teams)
    home, away = (normalize(t.strip(), league=league, ocr=ocr) for t in teams)
    return {
        "league": league,
        "date": date.isoformat() if date else None,
        "time": parts.times[0] if parts.times else None,
        "home_team": home.canonical,
        "away_team": away.canonical,
        "home_printed": home.printed,
        "away_printed": away.printed,
        "main_market": market("1X2"),
        "additional_markets": [m for name in MARKETS if name != "1X2" and (m := market(name)) is not None],
        "page": page,
        # Internal: which names matched the table (dropped from the output by the profile).
        "_matches": (home, away),
    }


def _heading(row: Row, ctx: Context, anchors: list[dt.date], today: dt.date) -> None:
    """A row without odds that names a league and/or a date moves the context on."""
    text = row.text
    ocr = any(w.confidence is not None for w in row.words)
    dates = find_dates(_ocr_months(text) if ocr else text)
    rest = text
    for d in reversed(dates):
        rest = rest[: d.start] + " " + rest[d.end :]
    rest = " ".join(rest.split()).strip(" -|,:")
    league = match_league(rest) if rest else None
    if league is not None:
        ctx.league = league.name
    # A date heading is a date, maybe with its league; a sentence with a date in it
    # ("valid 21.11.2026 to 23.11.2026") is not. Unsure OCR words without a figure do not count: on
    # a shaded heading band they are mostly the shading read as letters ("ts BO", "ee eee").
    noise = {w.text for w in row.words if w.confidence is not None and w.confidence < MIN_HEADING_CONFIDENCE}
    words = [t for t in rest.split() if t not in noise or any(c.isdigit() for c in t)]
    if dates and len(dates) == 1 and (league is not None or len(words) <= 1):
        d = dates[0]
        ctx.date = to_date(d, anchors=anchors, today=today)
    elif len(dates) == 2 and ctx.opening is None and dates[0].year is not None:
        ctx.opening = to_date(dates[0], anchors=anchors, today=today)
    elif not dates:
        day = _weekday_heading(_ocr_months(text) if ocr else text, anchors)
        if day is not None:
            ctx.date = day


# OCR words of a heading row below this confidence are left out when telling a heading from a
# sentence (see ``_heading``): the shaded bands of date headings read as 0-35, the letters on them 8-96.
MIN_HEADING_CONFIDENCE = 40.0
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORDS = (
    frozenset(_MONTH_ABBREVIATIONS)
    | {"january", "february", "march", "april", "june"}
    | {"july", "august", "september", "october", "november", "december"}
)
# Letters OCR takes for one another in small type ("Dee" for "Dec", "Fcb" for "Feb", "Ocl" for "Oct").
_LOOKALIKES = {"e": "c", "c": "e", "a": "o", "o": "a", "u": "v", "v": "u", "n": "m", "m": "n"}
_LOOKALIKES |= {"i": "l", "l": "it", "t": "fl", "f": "t", "g": "q", "q": "g", "b": "h", "h": "b"}
# A three-letter word after a day number or a weekday: where a date's month stands.
_MONTH_SPOT = re.compile(
    r"(?:(?<![\d.:,])\d{1,2}(?:st|nd|rd|th)?\.?\s*|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
    r"(?P<mon>[a-z]{3,9})\b"
)
_WEEKDAY_START = re.compile(
    r"^\W*(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*(?P<d>\d{1,2})?(?:st|nd|rd|th)?\.?\s*(?P<rest>.*)$"
)
_WEEKDAY_NUMBERS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# A weekday heading is placed among the coupon's dates only when they span at most this many days.
MAX_WEEKDAY_SPAN_DAYS = 31


def _ocr_months(text: str) -> str:
    """OCR'd ``text`` (folded) with a misread month put right where a month must stand: "Sun13Dee"
    reads "sun13dec". One lookalike letter at most ("dee" -> "dec"), and only when that reaches one
    month: other words stay as they are."""
    low = fold(text)

    def fix(m: re.Match[str]) -> str:
        word = m["mon"]
        if word in _MONTH_ABBREVIATIONS or parse_month(word) is not None:
            return m[0]
        reached = {
            word[:i] + other + word[i + 1 :]
            for i, letter in enumerate(word)
            for other in _LOOKALIKES.get(letter, "")
        } & _MONTH_WORDS
        if len(reached) != 1:
            return m[0]
        return m[0][: m.start("mon") - m.start()] + reached.pop()

    return _WEEKDAY_SPOT.sub(_weekday_fix, _MONTH_SPOT.sub(fix, low))


# A three-letter word before a day number and a month: where a date's weekday stands ("nue 10 nov").
_WEEKDAY_SPOT = re.compile(r"\b(?P<wd>[a-z]{3})(?=\.?,?\s*\d{1,2}(?:st|nd|rd|th)?\.?\s*[a-z]{3})")


def _weekday_fix(m: re.Match[str]) -> str:
    """A misread weekday put right when one letter makes it one weekday only ("nue" -> "tue")."""
    word = m["wd"]
    if word in _WEEKDAY_NUMBERS:
        return word
    near = [d for d in _WEEKDAY_NUMBERS if sum(a != b for a, b in zip(d, word, strict=True)) == 1]
    return near[0] if len(near) == 1 else word


def _weekday_heading(text: str, anchors: list[dt.date]) -> dt.date | None:
    """The date a heading means that prints a weekday, maybe a day number or a month, but no whole
    date ("Saturday", "Sun 13", "Sat Dec", or a date OCR garbled after its weekday): the one day
    among the coupon's dated days (its validity line) with that weekday, day and month, if there is
    exactly one."""
    m = _WEEKDAY_START.match(fold(text))
    if m is None or not anchors:
        return None
    first, last = min(anchors), max(anchors)
    if (last - first).days > MAX_WEEKDAY_SPAN_DAYS:
        return None
    month = parse_month(m["rest"].split()[0]) if m["rest"].split() else None
    weekday = _WEEKDAY_NUMBERS[m["wd"]]
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    fits = [
        d
        for d in days
        if d.weekday() == weekday
        and (m["d"] is None or d.day == int(m["d"]))
        and (month is None or d.month == month)
    ]
    return fits[0] if len(fits) == 1 else None


def extract_games(pages: list[Page], *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every game on the pages, in reading order, with an internal ``_matches`` entry per game."""
    today = today or clock.now().date()
    blocks: list[tuple[int, list[Row]]] = []
    for page in pages:
        if not page.words:
            continue
        for words in _split_columns(_level([_repair(w) for w in page.words]), page.width):
            blocks.append((page.page, _rows(words)))
    anchors = _anchors(r for _, rows in blocks for r in rows)
    ctx = Context()
    games: list[dict[str, Any]] = []
    for page_no, rows in blocks:
        for row in rows:
            slots = _header_slots(row)
            if slots is not None:
                ctx.slots = slots
                continue
            parts = _parts(row, ctx.slots)
            if _is_game(parts):
                game = _game(parts, ctx, page_no, anchors, today)
                if game is not None:
                    games.append(game)
                if parts.league:
                    ctx.league = parts.league
                continue
            _heading(row, ctx, anchors, today)
    return games


def team_matches(game: dict[str, Any]) -> tuple[TeamMatch, TeamMatch]:
    home, away = game["_matches"]
    return home, away
