"""Reports over extracted games: pure functions over the output contract's game dicts, no I/O.

``summarise`` describes one set of games (per league and date, average 1X2 margin, how strong the
favourites are); ``odds_movement`` follows the same fixtures across coupons taken at different times,
the basis of a trends API.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

from paperlane.profiles.football.anomalies import (
    MARKET_KEYS,
    complete,
    fold_name,
    is_price,
    margin,
    markets,
    probabilities,
)

# Label for games whose league or date the coupon did not give (JSON keys must be strings).
UNKNOWN = "unknown"
# Favourite strength in 10-point bands; a bookmaker's favourite is never below 1/3 (three outcomes),
# but odds misread or margin-heavy books can put it anywhere, so the bands cover 0-100%.
_BANDS = tuple((lo, lo + 10) for lo in range(0, 100, 10))


def _band(p: float) -> str:
    lo = min(int(p * 100) // 10 * 10, 90)
    return f"{lo}-{lo + 10}%"


def summarise(games: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per league and date, average 1X2 margin per league and the favourites' win probabilities.

    The favourite is the likelier of home and away win (margin-free implied probability); games
    without a complete, in-range 1X2 count in the totals but not in margins or favourites.
    """
    per_league: Counter[str] = Counter()
    per_date: Counter[str] = Counter()
    per_league_date: dict[str, Counter[str]] = {}
    margins: dict[str, list[float]] = {}
    favourites: list[float] = []
    for game in games:
        league = str(game.get("league") or UNKNOWN)
        date = str(game.get("date") or UNKNOWN)
        per_league[league] += 1
        per_date[date] += 1
        per_league_date.setdefault(league, Counter())[date] += 1
        main = complete(markets(game).get("1X2", {}), "1X2")
        if main is None:
            continue
        margins.setdefault(league, []).append(margin(main))
        p = probabilities(main)
        favourites.append(max(p["1"], p["2"]))
    bands = Counter(_band(p) for p in favourites)
    return {
        "games": len(games),
        "games_per_league": dict(sorted(per_league.items())),
        "games_per_date": dict(sorted(per_date.items())),
        "games_per_league_date": {
            league: dict(sorted(dates.items())) for league, dates in sorted(per_league_date.items())
        },
        "average_margin_1x2": {
            league: round(statistics.fmean(values), 4) for league, values in sorted(margins.items())
        },
        "favourite_win_probability": {
            "games": len(favourites),
            "mean": round(statistics.fmean(favourites), 4) if favourites else None,
            "median": round(statistics.median(favourites), 4) if favourites else None,
            # Every band, empty ones too, so charts get a fixed axis.
            "bands": {f"{lo}-{hi}%": bands[f"{lo}-{hi}%"] for lo, hi in _BANDS},
        },
    }


def _moment(stamp: str) -> dt.datetime:
    """An ISO 8601 timestamp; a naive one is taken as UTC so naive and zoned stamps compare."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise ValueError(f"snapshot timestamp {stamp!r} is not ISO 8601") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _direction(first: float, last: float) -> str:
    # Odds going down ("shortening") means the market now rates the outcome likelier.
    if last > first:
        return "up"
    if last < first:
        return "down"
    return "unchanged"


def odds_movement(snapshots: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """How each price of each fixture moved across coupons taken at different times.

    ``snapshots`` are ``(ISO timestamp, games)``, in any order. A fixture is the same across snapshots
    when (date, home_team, away_team) agree, names compared ignoring case and spacing; a fixture
    repeated within one snapshot counts once (its first copy). Only prices quoted, in range, in at least
    two snapshots are reported, one row per (fixture, market, outcome): first and last price, change
    and change % (last against first), direction, and the full history. Rows come in order of the
    fixture's first appearance, then market and outcome in contract order.
    """
    ordered = sorted(snapshots, key=lambda s: _moment(s[0]))
    # fixture -> (latest game dict, {(market, outcome): [(timestamp, price), ...]})
    fixtures: dict[
        tuple[str, str, str], tuple[dict[str, Any], dict[tuple[str, str], list[tuple[str, float]]]]
    ]
    fixtures = {}
    for stamp, games in ordered:
        seen: set[tuple[str, str, str]] = set()
        for game in games:
            fixture = (
                str(game.get("date")),
                fold_name(game.get("home_team")),
                fold_name(game.get("away_team")),
            )
            if fixture in seen:
                continue
            seen.add(fixture)
            _, series = fixtures.get(fixture, (game, {}))
            fixtures[fixture] = (game, series)
            for market, odds in markets(game).items():
                for outcome in MARKET_KEYS.get(market, ()):
                    price = odds.get(outcome)
                    if is_price(price):
                        series.setdefault((market, outcome), []).append((stamp, float(price)))
    rows: list[dict[str, Any]] = []
    order = [(m, k) for m, keys in MARKET_KEYS.items() for k in keys]
    for game, series in fixtures.values():
        for market, outcome in order:
            history = series.get((market, outcome), [])
            if len(history) < 2:
                continue
            first, last = history[0][1], history[-1][1]
            rows.append(
                {
                    "date": game.get("date"),
                    "home_team": game.get("home_team"),
                    "away_team": game.get("away_team"),
                    "league": game.get("league"),
                    "market": market,
                    "outcome": outcome,
                    "first": first,
                    "last": last,
                    "first_seen": history[0][0],
                    "last_seen": history[-1][0],
                    "change": round(last - first, 4),
                    "change_pct": round((last - first) / first * 100, 2),
                    "direction": _direction(first, last),
                    "history": [{"at": stamp, "odds": price} for stamp, price in history],
                }
            )
    return rows
