"""Anomalies in extracted football games: prices no bookmaker would print, and games that contradict
each other. A pure function over the output contract's game dicts (samples/README.md), so it runs the
same on a fresh extraction or on games read back from storage.

Each record is ``{"game": n, "type", "message", "severity", "home_team", "away_team", "league", "date"}``
where ``n`` is the game's 1-based position in the list given (the export's Anomalies sheet names and
highlights games by that number). Types, stable codes:

=====================  ========  =======================================================================
type                   severity  fires when
=====================  ========  =======================================================================
odds_out_of_range      error     an odd is below 1.01, above 1000 or not a number (one record per market)
margin_low             error     a 1X2, OU2.5 or BTTS book (sum of 1/odds) below the band's low end (1.00)
margin_high            warning   a 1X2 book above the band's high end (1.25); OU2.5, BTTS above 1.20
dc_inconsistent        warning   a double-chance probability is more than 0.08 off the one the 1X2 implies
same_team              error     home and away are the same club
duplicate_game         warning   the same (date, home, away) again with different odds (later copies)
team_twice_same_day    warning   a team in two different fixtures on one date (later fixtures)
missing_main_market    warning   no complete 1X2 market
kickoff_unusual        warning   kick-off outside 09:00-23:59, or a time that is not HH:MM
unmatched_team         warning   a team name the club table does not know (one record per side)
kickoff_out_of_range   warning   a kick-off day more than 14 days from the coupon's median day
odds_moved_across_docs warning   another document priced the same fixture's 1X2 very differently
=====================  ========  =======================================================================

The overround band is configurable per document (the profile's ``overround_min`` and ``overround_max``
options; default 1.00-1.25). Two-way books (OU2.5, BTTS) carry smaller margins: their ceiling is four
fifths of the 1X2 margin allowed (1.20 by default).

``odds_moved_across_docs`` needs earlier documents: ``across_documents`` takes them (the pipeline reads
them from the records table's date index), so ``detect`` stays a function of one document.

Margin checks skip a market that already has an odds_out_of_range record: its book is meaningless.
Games without a date take no part in the date-based checks (duplicate_game, team_twice_same_day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TypeGuard

from pydantic import BaseModel, Field, model_validator

from paperlane.profiles.football.teams import CLUB_TABLE

# Decimal odds of 1.00 pay nothing back, so 1.01 is the shortest price a book can print; above 1000 no
# mainstream bookmaker prices a match market. Outside these, the number is a misread (OCR, decimal comma
# lost: "1,85" read as 185), not a price.
ODDS_MIN = 1.01
ODDS_MAX = 1000.0
# A book's margin (overround) is sum(1/odds) - 1. Below 0 every outcome can be backed at a profit (an
# arbitrage): a bookmaker never prints that, so odds were misread or assigned to the wrong column.
MARGIN_MIN = 0.0
# Retail coupons run 1X2 margins of roughly 5-15% (exchanges and sharp books 2-5%); above 25% the
# odds are probably mis-assigned (e.g. a DC price read as a 1X2 price).
MARGIN_MAX_1X2 = 0.25
# Two-way markets carry smaller margins (typically 4-10%), so the warning comes earlier: at this share
# of the margin a 1X2 book may carry.
TWO_WAY_SHARE = 0.8
# Double chance must agree with the 1X2: P(1X) = P(1) + P(X) once each book's margin is taken out.
# Bookmakers shade DC prices and round to two decimals, which moves a probability by a few hundredths;
# 0.08 is well above that and well below what a swapped or misread column produces.
DC_TOLERANCE = 0.08
# Earliest plausible local kick-off. European coupons list games from late morning (Asian-market
# 09:30 or 11:00 slots) until late evening; a 03:00 game is usually a misread time or a time-zone slip.
KICKOFF_EARLIEST = dt.time(9, 0)
# A coupon covers a round of fixtures, a week or two: a game further than this from the coupon's median
# day has a misread date (a day and month swapped, a wrong year inferred).
KICKOFF_RANGE_DAYS = 14
# Across documents, the same fixture's 1X2 probabilities (margin removed) move with team news, but
# rarely by more than 0.15 for one outcome; beyond that one of the two readings is suspect.
CROSS_DOCUMENT_TOLERANCE = 0.15

MARKET_KEYS: dict[str, tuple[str, ...]] = {
    "1X2": ("1", "X", "2"),
    "DC": ("1X", "12", "X2"),
    "OU2.5": ("Under", "Over"),
    "BTTS": ("Yes", "No"),
}


class OverroundBand(BaseModel):
    """The book sums (sum of 1/odds over a market's outcomes) a 1X2 market may print."""

    low: float = Field(default=1 + MARGIN_MIN, ge=0.5, le=1.5)
    high: float = Field(default=1 + MARGIN_MAX_1X2, ge=1.0, le=3.0)

    @model_validator(mode="after")
    def _ordered(self) -> OverroundBand:
        if self.low >= self.high:
            raise ValueError(
                f"the overround band's low end {self.low:g} must be below its high end {self.high:g}"
            )
        return self

    def ceiling(self, market: str) -> float:
        """The highest margin (book sum minus one) the market may carry."""
        allowed = self.high - 1
        return allowed if market == "1X2" else allowed * TWO_WAY_SHARE


DEFAULT_BAND = OverroundBand()
_MARGIN_CHECKED = ("1X2", "OU2.5", "BTTS")
# Which 1X2 outcomes each double-chance key covers.
_DC_COVERS: dict[str, tuple[str, str]] = {"1X": ("1", "X"), "12": ("1", "2"), "X2": ("X", "2")}

_KNOWN_TEAMS = frozenset(club.canonical for club in CLUB_TABLE)

ERROR = "error"
WARNING = "warning"


# ---------------------------------------------------------------- helpers shared with reports.py


def markets(game: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The game's markets by type (main first), each as its odds dict; a repeated type keeps the first."""
    found: dict[str, dict[str, Any]] = {}
    for market in [game.get("main_market"), *(game.get("additional_markets") or [])]:
        if isinstance(market, dict) and isinstance(market.get("odds"), dict):
            found.setdefault(str(market.get("market_type")), market["odds"])
    return found


def is_price(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and ODDS_MIN <= value <= ODDS_MAX


def complete(odds: dict[str, Any], market: str) -> dict[str, float] | None:
    """The market's odds when every outcome has a valid price, else None."""
    keys = MARKET_KEYS[market]
    if not all(is_price(odds.get(k)) for k in keys):
        return None
    return {k: float(odds[k]) for k in keys}


def margin(odds: dict[str, float]) -> float:
    """The bookmaker's margin (overround): sum of implied probabilities minus one."""
    return sum(1 / o for o in odds.values()) - 1


def probabilities(odds: dict[str, float]) -> dict[str, float]:
    """Implied probabilities with the margin taken out proportionally (they sum to one)."""
    total = sum(1 / o for o in odds.values())
    return {k: (1 / o) / total for k, o in odds.items()}


def fold_name(name: Any) -> str:
    """A team name for comparing: case and spacing ignored (unmatched names are as printed)."""
    return " ".join(str(name or "").split()).casefold()


# ---------------------------------------------------------------- checks on one game


def _per_game(game: dict[str, Any], band: OverroundBand) -> Iterator[tuple[str, str, str]]:
    """(type, severity, message) for the checks that need only this game."""
    found = markets(game)
    bad_markets: set[str] = set()
    for market, odds in found.items():
        bad = [f"{k}={odds[k]!r}" for k in MARKET_KEYS.get(market, tuple(odds)) if not _ok(odds.get(k))]
        if bad:
            bad_markets.add(market)
            yield (
                "odds_out_of_range",
                ERROR,
                f"{market} odds {', '.join(bad)} outside {ODDS_MIN:g}-{ODDS_MAX:g}",
            )
    for market in _MARGIN_CHECKED:
        book = complete(found[market], market) if market in found and market not in bad_markets else None
        if book is None:
            continue
        m, limit = margin(book), band.ceiling(market)
        if m < band.low - 1:
            floor = "zero: an arbitrage" if band.low == 1 else f"{band.low - 1:.0%}"
            yield "margin_low", ERROR, f"{market} margin {m:.1%} is below {floor}, odds misread?"
        elif m > limit:
            yield "margin_high", WARNING, f"{market} margin {m:.1%} above {limit:.0%}"
    yield from _dc(found)
    home = fold_name(game.get("home_team"))
    if home and home == fold_name(game.get("away_team")):
        yield "same_team", ERROR, f"home and away are both {game.get('home_team')}"
    if "1X2" not in found or ("1X2" not in bad_markets and complete(found["1X2"], "1X2") is None):
        yield "missing_main_market", WARNING, "no complete 1X2 odds"
    kickoff = _kickoff(game.get("time"))
    if kickoff:
        yield "kickoff_unusual", WARNING, kickoff
    for side in ("home", "away"):
        name = game.get(f"{side}_team")
        if name not in _KNOWN_TEAMS:
            printed = game.get(f"{side}_printed") or name
            yield "unmatched_team", WARNING, f"{side} team {printed!r} matches no club in the table"


def _ok(value: Any) -> bool:
    # A missing outcome is not out of range: extraction drops incomplete markets, missing_main_market
    # covers the 1X2.
    return value is None or is_price(value)


def _dc(found: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str, str]]:
    main = complete(found.get("1X2", {}), "1X2")
    dc = complete(found.get("DC", {}), "DC")
    if main is None or dc is None:
        return
    p = probabilities(main)
    # DC outcomes overlap (each result is in two of them), so their fair probabilities sum to two.
    total = sum(1 / o for o in dc.values())
    worst_key, worst = "", 0.0
    for k, (a, b) in _DC_COVERS.items():
        diff = abs(2 * (1 / dc[k]) / total - (p[a] + p[b]))
        if diff > worst:
            worst_key, worst = k, diff
    if worst > DC_TOLERANCE:
        implied = p[_DC_COVERS[worst_key][0]] + p[_DC_COVERS[worst_key][1]]
        yield (
            "dc_inconsistent",
            WARNING,
            f"DC {worst_key} at {dc[worst_key]:g} implies {2 / dc[worst_key] / total:.0%}, "
            f"the 1X2 implies {implied:.0%}",
        )


def _kickoff(value: Any) -> str | None:
    """Why the kick-off time is unusual, or None when it is fine or not printed."""
    if value is None or value == "":
        return None  # no time printed: nothing to judge
    try:
        kickoff = dt.time.fromisoformat(str(value))
    except ValueError:
        return f"kick-off {value!r} is not a HH:MM time"
    if kickoff < KICKOFF_EARLIEST:
        return f"kick-off {value} is before {KICKOFF_EARLIEST:%H:%M}"
    return None


# ---------------------------------------------------------------- checks across games


def _across(games: list[dict[str, Any]]) -> Iterator[tuple[int, str, str, str]]:
    """(index, type, severity, message) for duplicates and double bookings, on later games only."""
    first_of: dict[tuple[str, str, str], int] = {}
    # (date, team) -> first game of each distinct fixture that team plays that day
    day_fixtures: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    for i, game in enumerate(games):
        date = game.get("date")
        home, away = fold_name(game.get("home_team")), fold_name(game.get("away_team"))
        if not date or not home or not away:
            continue
        fixture = (str(date), home, away)
        if fixture in first_of:
            j = first_of[fixture]
            if _conflict(games[j], game):
                yield i, "duplicate_game", WARNING, f"same fixture as game {j + 1} with different odds"
            continue  # an exact repeat is the same game printed twice, not a second booking
        first_of[fixture] = i
        # A same_team game books its one team once, not twice.
        teams = {home: game.get("home_team"), away: game.get("away_team")}
        for team, name in teams.items():
            seen = day_fixtures.setdefault((str(date), team), {})
            if seen:
                j = next(iter(seen.values()))
                yield i, "team_twice_same_day", WARNING, f"{name} also plays in game {j + 1} on {date}"
            seen[(home, away)] = i


def _conflict(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two copies of a fixture price a market both show differently."""
    ma, mb = markets(a), markets(b)
    for market in ma.keys() & mb.keys():
        for k in ma[market].keys() | mb[market].keys():
            if ma[market].get(k) != mb[market].get(k):
                return True
    return False


def _out_of_range(games: list[dict[str, Any]]) -> Iterator[tuple[int, str, str, str]]:
    days: list[tuple[int, dt.date]] = []
    for i, game in enumerate(games):
        try:
            days.append((i, dt.date.fromisoformat(str(game.get("date")))))
        except ValueError:
            continue
    if len(days) < 3:
        return  # too few dates to say what the coupon's range is
    ordered = sorted(d for _, d in days)
    median = ordered[len(ordered) // 2]
    for i, day in days:
        if abs((day - median).days) > KICKOFF_RANGE_DAYS:
            yield i, "kickoff_out_of_range", WARNING, f"{day} is far from the coupon's other games ({median})"


def across_documents(games: list[dict[str, Any]], earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``odds_moved_across_docs`` records for games whose fixture another document (``earlier``, game
    dicts with their ``job_id``) priced very differently."""
    others: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for game in earlier:
        fixture = (str(game.get("date")), fold_name(game.get("home_team")), fold_name(game.get("away_team")))
        others.setdefault(fixture, []).append(game)
    out: list[dict[str, Any]] = []
    for i, game in enumerate(games):
        mine = complete(markets(game).get("1X2", {}), "1X2")
        fixture = (str(game.get("date")), fold_name(game.get("home_team")), fold_name(game.get("away_team")))
        if mine is None or not game.get("date"):
            continue
        for other in others.get(fixture, []):
            theirs = complete(markets(other).get("1X2", {}), "1X2")
            if theirs is None:
                continue
            a, b = probabilities(mine), probabilities(theirs)
            gap = max(abs(a[k] - b[k]) for k in a)
            if gap > CROSS_DOCUMENT_TOLERANCE:
                message = f"1X2 differs by {gap:.2f} in probability from document {other.get('job_id')}"
                out.append(_record(i, game, "odds_moved_across_docs", WARNING, message))
                break
    return out


# ---------------------------------------------------------------- entry point


def detect(games: list[dict[str, Any]], band: OverroundBand = DEFAULT_BAND) -> list[dict[str, Any]]:
    """Every anomaly in the games, ordered by game number (per-game checks before cross-game ones)."""
    found: list[tuple[int, str, str, str]] = [
        (i, *check) for i, game in enumerate(games) for check in _per_game(game, band)
    ]
    found.extend(_across(games))
    found.extend(_out_of_range(games))
    found.sort(key=lambda f: f[0])  # stable: within a game, checks stay in the order above
    return [_record(i, games[i], kind, severity, message) for i, kind, severity, message in found]


def _record(i: int, game: dict[str, Any], kind: str, severity: str, message: str) -> dict[str, Any]:
    return {
        "game": i + 1,
        "type": kind,
        "message": message,
        "severity": severity,
        "home_team": game.get("home_team"),
        "away_team": game.get("away_team"),
        "league": game.get("league"),
        "date": game.get("date"),
    }
