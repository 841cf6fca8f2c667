"""Varied betting-coupon PDFs, built with PyMuPDF from a seed, with the games each must yield.

The extractor must not be tuned to the three sample layouts, so this draws the variants real coupons
show: ruled grid or whitespace listing; any column order (odds before or after the teams, a code
column or none); teams in one "Home - Away" cell or two columns; league and date as heading rows or as
columns; two coupons side by side; leagues continuing across page breaks (no repeated heading); every
date, time and odds notation; clubs printed under random aliases. ``coupon(seed)`` returns the PDF and
the expected games in the output contract (samples/README.md).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pymupdf

from paperlane.profiles.football.teams import CLUB_TABLE, Club

A4 = (595.0, 842.0)

_LEAGUE_HEADINGS: dict[str, tuple[str, ...]] = {
    "Premier League": ("ENGLAND - PREMIER LEAGUE", "Premier League", "England Premier League", "EPL"),
    "Championship": ("ENGLAND - CHAMPIONSHIP", "Championship", "EFL Championship", "England Championship"),
    "La Liga": ("SPAIN - LA LIGA", "Spain La Liga", "LaLiga", "Primera División", "La Liga"),
    "Serie A": ("ITALY - SERIE A", "Serie A", "Italy Serie A", "Serie A (Italy)"),
    "Bundesliga": ("GERMANY - BUNDESLIGA", "Bundesliga", "Germany 1. Bundesliga", "1. Bundesliga"),
    "Ligue 1": ("FRANCE - LIGUE 1", "Ligue 1", "France Ligue 1", "Ligue 1 McDonald's"),
    "Eredivisie": ("NETHERLANDS - EREDIVISIE", "Eredivisie", "Holland Eredivisie", "Dutch Eredivisie"),
    "Primeira Liga": ("PORTUGAL - PRIMEIRA LIGA", "Liga Portugal", "Primeira Liga", "Portugal Liga Portugal"),
}
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTHS += ("September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Odds-column labels per market, one style drawn per coupon.
_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "1X2": (("1", "X", "2"),),
    "DC": (("1X", "12", "X2"),),
    "OU2.5": (("U2.5", "O2.5"), ("Under", "Over"), ("U", "O"), ("Under 2.5", "Over 2.5")),
    "BTTS": (("BTTS Yes", "BTTS No"), ("GG", "NG"), ("Yes", "No")),
}
_KEYS = {"1X2": ("1", "X", "2"), "DC": ("1X", "12", "X2"), "OU2.5": ("Under", "Over"), "BTTS": ("Yes", "No")}


@dataclass
class Style:
    grid: bool
    font: str
    bold: str
    size: float
    teams_in_one: bool
    separator: str
    league_as_column: bool
    date_as_column: bool
    odds_first: bool
    code: bool
    header: bool
    repeat_header: bool
    two_up: bool
    decimal_comma: bool
    date_fmt: str
    time_fmt: str
    markets: list[str]
    labels: dict[str, tuple[str, ...]]
    validity: bool
    prefix: list[str] = field(default_factory=list)


@dataclass
class Coupon:
    seed: int
    pdf: bytes
    games: list[dict[str, Any]]
    style: Style


def _style(rng: random.Random) -> Style:
    two_up = rng.random() < 0.2
    header = rng.random() < 0.85
    markets = ["1X2"]
    if header:
        extra = ["DC", "OU2.5", "BTTS"]
        rng.shuffle(extra)
        markets += sorted(extra[: rng.randint(0, 1 if two_up else 3)], key=list(_KEYS).index)
    font, bold = rng.choice((("helv", "hebo"), ("tiro", "tibo"), ("cour", "cobo")))
    date_as_column = rng.random() < 0.5
    prefix = ["time"]
    if date_as_column:
        prefix.insert(0, "date")
    code = rng.random() < 0.5
    if code:
        prefix.insert(rng.randint(0, len(prefix)), "code")
    league_as_column = rng.random() < 0.25
    if league_as_column:
        prefix.insert(rng.randint(0, len(prefix)), "league")
    return Style(
        grid=rng.random() < 0.5,
        font=font,
        bold=bold,
        size=rng.choice((7.0, 7.5, 8.0, 8.5)) if not two_up else rng.choice((6.0, 6.5)),
        teams_in_one=rng.random() < 0.5,
        separator=rng.choice((" - ", " - ", " v ", " vs ")),
        league_as_column=league_as_column,
        date_as_column=date_as_column,
        odds_first=rng.random() < 0.3,
        code=code,
        header=header,
        repeat_header=rng.random() < 0.5,
        two_up=two_up,
        decimal_comma=rng.random() < 0.3,
        date_fmt=rng.choice(("dd.mm.yyyy", "dd/mm/yyyy", "iso", "wd dd mon", "dd/mm", "long", "wd, dd mon")),
        time_fmt=rng.choice(("hh:mm", "hh:mm", "hhhmm", "ampm", "ampm_tight")),
        markets=markets,
        labels={m: rng.choice(_LABELS[m]) for m in markets},
        validity=rng.random() < 0.7,
        prefix=prefix,
    )


def _fmt_date(d: dt.date, fmt: str, *, heading: bool) -> str:
    if fmt == "dd.mm.yyyy":
        return d.strftime("%d.%m.%Y")
    if fmt == "dd/mm/yyyy":
        return d.strftime("%d/%m/%Y")
    if fmt == "iso":
        return d.isoformat()
    if fmt == "dd/mm":
        return d.strftime("%d/%m")
    if fmt == "long" or heading:
        return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"
    sep = ", " if fmt == "wd, dd mon" else " "
    return f"{_DAYS[d.weekday()][:3]}{sep}{d.day} {_MONTHS[d.month - 1][:3]}"


def _fmt_time(hour: int, minute: int, fmt: str) -> str:
    if fmt == "hhhmm":
        return f"{hour:02d}h{minute:02d}"
    if fmt.startswith("ampm"):
        h12 = hour % 12 or 12
        suffix = "PM" if hour >= 12 else "AM"
        if fmt == "ampm_tight":
            return f"{h12}:{minute:02d}{suffix.lower()}"
        return f"{h12}:{minute:02d} {suffix}"
    return f"{hour:02d}:{minute:02d}"


def _odds(value: float | None, comma: bool) -> str:
    if value is None:
        return "-"
    text = f"{value:.2f}"
    return text.replace(".", ",") if comma else text


def _printed(club: Club, rng: random.Random) -> str:
    name = rng.choice((club.canonical, club.canonical, *club.aliases))
    return name.upper() if rng.random() < 0.08 else name


def _games(rng: random.Random, style: Style, start: dt.date) -> list[dict[str, Any]]:
    leagues = sorted({c.league for c in CLUB_TABLE})
    chosen = rng.sample(leagues, rng.randint(1, 4))
    n_days = rng.randint(1, 3)
    games: list[dict[str, Any]] = []
    slots = [
        (12, 30),
        (13, 0),
        (14, 0),
        (15, 0),
        (16, 15),
        (17, 30),
        (18, 0),
        (19, 45),
        (20, 0),
        (20, 45),
        (21, 0),
    ]
    slots += [(9, 30), (11, 0)]
    for day in range(n_days):
        date = start + dt.timedelta(days=day)
        for league in chosen:
            clubs = [c for c in CLUB_TABLE if c.league == league]
            rng.shuffle(clubs)
            for i in range(rng.randint(1, min(6, len(clubs) // 2))):
                home, away = clubs[2 * i], clubs[2 * i + 1]
                hour, minute = rng.choice(slots)
                p1 = rng.uniform(1.15, 8.0)
                main = {
                    "1": round(p1, 2),
                    "X": round(rng.uniform(2.8, 5.5), 2),
                    "2": round(rng.uniform(1.15, 9.0), 2),
                }
                extra: list[dict[str, Any]] = []
                shown: dict[str, dict[str, float | None]] = {"1X2": dict(main)}
                for m in style.markets[1:]:
                    keys = _KEYS[m]
                    if rng.random() < 0.15:
                        shown[m] = dict.fromkeys(keys)  # printed "-": not offered
                        continue
                    odds = {k: round(rng.uniform(1.05, 3.2), 2) for k in keys}
                    shown[m] = dict(odds)
                    extra.append({"market_type": m, "odds": odds})
                games.append(
                    {
                        "league": league,
                        "date": date.isoformat(),
                        "time": f"{hour:02d}:{minute:02d}",
                        "home_team": home.canonical,
                        "away_team": away.canonical,
                        "home_printed": _printed(home, rng),
                        "away_printed": _printed(away, rng),
                        "main_market": {"market_type": "1X2", "odds": main},
                        "additional_markets": extra,
                        "_shown": shown,
                        "_code": str(rng.randint(100, 9999)),
                        "_league_text": rng.choice(_LEAGUE_HEADINGS[league]),
                    }
                )
        # Within a day, kick-off order per league as printed; leagues stay grouped.
    return games


@dataclass
class _Column:
    kind: str
    width: float
    label: str
    market: str = ""
    key: str = ""


def _columns(style: Style, games: list[dict[str, Any]]) -> list[_Column]:
    def w(text: str) -> float:
        return pymupdf.get_text_length(text, fontname=style.font, fontsize=style.size)

    pad = style.size * 1.6
    cols: list[_Column] = []
    for kind in style.prefix:
        if kind == "date":
            texts = [
                _fmt_date(dt.date.fromisoformat(g["date"]), style.date_fmt, heading=False) for g in games
            ]
            cols.append(_Column("date", max(map(w, texts)) + pad, "Date"))
        elif kind == "time":
            cols.append(_Column("time", w(_fmt_time(12, 30, style.time_fmt)) + pad, "Time"))
        elif kind == "code":
            cols.append(_Column("code", w("9999") + pad, "Code"))
        elif kind == "league":
            cols.append(_Column("league", max(w(g["_league_text"]) for g in games) + pad, "League"))
    if style.teams_in_one:
        texts = [g["home_printed"] + style.separator + g["away_printed"] for g in games]
        team_cols = [_Column("match", max(map(w, texts)) + pad, "Home - Away")]
    else:
        team_cols = [
            _Column("home", max(w(g["home_printed"]) for g in games) + pad, "Home"),
            _Column("away", max(w(g["away_printed"]) for g in games) + pad, "Away"),
        ]
    odds_cols = [
        _Column("odds", max(w("10.00"), w(label)) + pad, label, m, k)
        for m in style.markets
        for label, k in zip(style.labels[m], _KEYS[m], strict=True)
    ]
    return cols + (odds_cols + team_cols if style.odds_first else team_cols + odds_cols)


class _Writer:
    """Places rows top to bottom in one or two blocks per page, opening pages as needed."""

    def __init__(self, style: Style, rng: random.Random, columns: list[_Column]) -> None:
        self.style, self.rng, self.columns = style, rng, columns
        self.doc = pymupdf.open()
        self.row_h = style.size * rng.uniform(1.7, 2.2)
        self.block = -1
        self.blocks_per_page = 2 if style.two_up else 1
        self.page: Any = None
        self.y = 0.0
        self.x0 = 0.0
        brand = rng.choice(("NOVABET", "BetCentral", "GoalLine", "Kickoff Odds"))
        self.title = f"{brand} coupon {rng.randint(1000, 9999)}"
        self.validity = ""

    @property
    def table_width(self) -> float:
        return sum(c.width for c in self.columns)

    def _new_block(self) -> None:
        self.block += 1
        if self.block % self.blocks_per_page == 0:
            self.page = self.doc.new_page(width=A4[0], height=A4[1])
            self.page.insert_text((30, 40), self.title, fontsize=14, fontname=self.style.bold)
            self.page.insert_text(
                (520, 40), f"Page {self.doc.page_count}", fontsize=8, fontname=self.style.font
            )
            if self.validity:
                self.page.insert_text((30, 58), self.validity, fontsize=8, fontname=self.style.font)
        half = A4[0] / self.blocks_per_page
        self.x0 = 20 + (self.block % self.blocks_per_page) * half
        self.y = 80.0
        if self.style.header and (self.block == 0 or self.style.repeat_header or self.style.two_up):
            self.cells([c.label for c in self.columns], bold=True)

    def need(self, rows: int = 1) -> None:
        if self.page is None or self.y + rows * self.row_h > A4[1] - 40:
            self._new_block()

    def cells(self, texts: list[str], *, bold: bool = False) -> None:
        self.need()
        x = self.x0
        baseline = self.y + self.row_h * 0.68
        for col, text in zip(self.columns, texts, strict=True):
            if self.style.grid:
                self.page.draw_rect(pymupdf.Rect(x, self.y, x + col.width, self.y + self.row_h), width=0.4)
            if text:
                tw = pymupdf.get_text_length(text, fontname=self.style.font, fontsize=self.style.size)
                if col.kind == "odds":
                    tx = x + (col.width - tw) / 2 if self.rng.random() < 0.95 else x + col.width - tw - 3
                else:
                    tx = x + self.style.size * 0.5
                font = self.style.bold if bold else self.style.font
                self.page.insert_text((tx, baseline), text, fontsize=self.style.size, fontname=font)
            x += col.width
        self.y += self.row_h

    def heading(self, text: str) -> None:
        self.need(2)
        if self.style.grid:
            rect = pymupdf.Rect(self.x0, self.y, self.x0 + self.table_width, self.y + self.row_h)
            self.page.draw_rect(rect, color=None, fill=(0.85, 0.85, 0.9))
        self.page.insert_text(
            (self.x0 + 4, self.y + self.row_h * 0.68),
            text,
            fontsize=self.style.size,
            fontname=self.style.bold,
        )
        self.y += self.row_h


def coupon(seed: int) -> Coupon:
    rng = random.Random(seed)
    style = _style(rng)
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    games = _games(rng, style, start)
    columns = _columns(style, games)
    # Shrink the type, then drop extra markets, until the table fits its block (half a page when two-up).
    while sum(c.width for c in columns) > (A4[0] / (2 if style.two_up else 1)) - 40:
        if style.size > 6.0:
            style.size -= 0.5
        elif len(style.markets) > 1:
            style.markets.pop()
        elif style.two_up:
            style.two_up = False
        else:
            break
        columns = _columns(style, games)
    writer = _Writer(style, rng, columns)
    # Some way to learn the year must be printed when the dates omit it: a validity line or the weekday.
    if style.validity or style.date_fmt == "dd/mm":
        last = dt.date.fromisoformat(games[-1]["date"])
        writer.validity = f"Football coupon - valid {start:%d.%m.%Y} to {last:%d.%m.%Y} - all times local"
    league: str | None = None
    date: str | None = None
    heading_long = rng.random() < 0.5
    for g in games:
        if not style.date_as_column and g["date"] != date:
            writer.heading(_fmt_date(dt.date.fromisoformat(g["date"]), style.date_fmt, heading=heading_long))
            date, league = g["date"], None
        if not style.league_as_column and g["league"] != league:
            writer.heading(g["_league_text"])
            league = g["league"]
        texts: list[str] = []
        for col in columns:
            if col.kind == "date":
                texts.append(_fmt_date(dt.date.fromisoformat(g["date"]), style.date_fmt, heading=False))
            elif col.kind == "time":
                h, m = map(int, g["time"].split(":"))
                texts.append(_fmt_time(h, m, style.time_fmt))
            elif col.kind == "code":
                texts.append(g["_code"])
            elif col.kind == "league":
                texts.append(g["_league_text"])
            elif col.kind == "match":
                texts.append(g["home_printed"] + style.separator + g["away_printed"])
            elif col.kind == "home":
                texts.append(g["home_printed"])
            elif col.kind == "away":
                texts.append(g["away_printed"])
            else:
                texts.append(_odds(g["_shown"][col.market][col.key], style.decimal_comma))
        writer.cells(texts)
    expected = [{k: v for k, v in g.items() if not k.startswith("_")} for g in games]
    for g in expected:  # markets dropped to fit the page are not printed, so not expected
        g["additional_markets"] = [m for m in g["additional_markets"] if m["market_type"] in style.markets]
    return Coupon(seed, writer.doc.tobytes(), expected, style)


# ---------------------------------------------------------------- comparison (samples/README.md)


@dataclass
class Score:
    expected: int
    extracted: int
    found: int
    normalised: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else 1.0


def _name_key(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _same_game(got: dict[str, Any], want: dict[str, Any]) -> bool:
    if got.get("date") != want["date"] or got.get("time") != want["time"]:
        return False
    main = got.get("main_market") or {}
    odds = main.get("odds") or {}
    if any(
        odds.get(k) is None or abs(odds[k] - want["main_market"]["odds"][k]) > 0.005 for k in ("1", "X", "2")
    ):
        return False
    for side in ("home", "away"):
        names = {_name_key(want[f"{side}_team"]), _name_key(want[f"{side}_printed"])}
        if _name_key(got.get(f"{side}_team")) not in names:
            return False
    return True


def compare(extracted: list[dict[str, Any]], expected: list[dict[str, Any]]) -> Score:
    """The README's rule: a game is found when date, time, 1/X/2 (within 0.005) and both team names
    (canonical or printed, ignoring case, accents and repeated spaces) agree; each extracted game pairs
    with at most one expected game. Found games with both canonical names count as normalised."""
    unused = list(range(len(extracted)))
    score = Score(expected=len(expected), extracted=len(extracted), found=0, normalised=0)
    for want in expected:
        hit = next((i for i in unused if _same_game(extracted[i], want)), None)
        if hit is None:
            score.missed.append(want)
            continue
        unused.remove(hit)
        score.found += 1
        got = extracted[hit]
        if _name_key(got["home_team"]) == _name_key(want["home_team"]) and _name_key(
            got["away_team"]
        ) == _name_key(want["away_team"]):
            score.normalised += 1
    score.extra = [extracted[i] for i in unused]
    return score
