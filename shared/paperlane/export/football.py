"""The football_odds workbook: sheet Games (one row per game) and sheet Anomalies.

Anomalies are records of kind "anomaly": {"game": <1-based number of the game in its document, or
"Home v Away">, "type", "message", "severity"}. Games named by an anomaly are highlighted on Games.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paperlane.export import cells
from paperlane.export.layout import Column, Document, SheetRow, SheetSpec

_ODDS = "0.00"
_MARKETS: tuple[tuple[str, str, str], ...] = (
    # (column, market_type, odds key)
    ("1", "1X2", "1"),
    ("X", "1X2", "X"),
    ("2", "1X2", "2"),
    ("1X", "DC", "1X"),
    ("12", "DC", "12"),
    ("X2", "DC", "X2"),
    ("Under2.5", "OU2.5", "Under"),
    ("Over2.5", "OU2.5", "Over"),
    ("BTTS_Yes", "BTTS", "Yes"),
    ("BTTS_No", "BTTS", "No"),
)

GAMES = SheetSpec(
    name="Games",
    columns=(
        Column("League", max_width=30),
        Column("Date", "date"),
        Column("Time", "time"),
        Column("Home_Team", max_width=30),
        Column("Away_Team", max_width=30),
        Column("Home_Printed", max_width=30),
        Column("Away_Printed", max_width=30),
        *(Column(name, "number", number_format=_ODDS) for name, _, _ in _MARKETS),
        Column("Source_Page", "integer"),
        Column("File", max_width=40),
        Column("Job_ID", max_width=34),
    ),
    autofilter=True,
)
ANOMALIES = SheetSpec(
    name="Anomalies",
    columns=(
        Column("Job_ID", max_width=34),
        Column("Game", max_width=40),
        Column("Type"),
        Column("Message", max_width=80),
        Column("Severity"),
    ),
    autofilter=True,
)


def odds(game: dict[str, Any]) -> list[Any]:
    markets: dict[str, dict[str, Any]] = {}
    for market in [game.get("main_market"), *(game.get("additional_markets") or [])]:
        if isinstance(market, dict):
            markets[str(market.get("market_type"))] = market.get("odds") or {}
    return [cells.number(markets.get(mtype, {}).get(key)) for _, mtype, key in _MARKETS]


def label(game: dict[str, Any]) -> str:
    home = game.get("home_team") or game.get("home_printed")
    away = game.get("away_team") or game.get("away_printed")
    return f"{home} v {away}"


def flagged(games: list[dict[str, Any]], anomalies: list[dict[str, Any]]) -> set[int]:
    """Positions (0-based) of the games that anomalies point at, by number or by "Home v Away"."""
    labels = {label(g).casefold(): i for i, g in enumerate(games)}
    found: set[int] = set()
    for anomaly in anomalies:
        ref = anomaly.get("game")
        if isinstance(ref, int) and not isinstance(ref, bool) and 1 <= ref <= len(games):
            found.add(ref - 1)
        elif isinstance(ref, str) and ref.casefold() in labels:
            found.add(labels[ref.casefold()])
    return found


def game_name(ref: Any, games: list[dict[str, Any]]) -> str | None:
    """An anomaly's game as "Home v Away" when it points at one by number, else as given."""
    if isinstance(ref, int) and not isinstance(ref, bool) and 1 <= ref <= len(games):
        return label(games[ref - 1])
    return cells.text(ref)


def game_values(game: dict[str, Any], doc: Document) -> list[Any]:
    return [
        cells.text(game.get("league")),
        cells.date(game.get("date")),
        cells.time(game.get("time")),
        cells.text(game.get("home_team")),
        cells.text(game.get("away_team")),
        cells.text(game.get("home_printed")),
        cells.text(game.get("away_printed")),
        *odds(game),
        cells.number(game.get("page")),
        doc.job.filename,
        doc.job.job_id,
    ]


class FootballLayout:
    profile: str = "football_odds"
    kinds: tuple[str, ...] = ("game", "anomaly")
    sheets: tuple[SheetSpec, ...] = (GAMES, ANOMALIES)

    def rows(self, documents: Iterable[Document]) -> Iterator[SheetRow]:
        for doc in documents:
            games = doc.records.get("game", [])
            anomalies = doc.records.get("anomaly", [])
            marked = flagged(games, anomalies)
            for i, game in enumerate(games):
                yield SheetRow(GAMES, game_values(game, doc), i in marked)
            for anomaly in anomalies:
                yield SheetRow(
                    ANOMALIES,
                    [
                        doc.job.job_id,
                        game_name(anomaly.get("game"), games),
                        cells.text(anomaly.get("type")),
                        cells.text(anomaly.get("message")),
                        cells.text(anomaly.get("severity")),
                    ],
                )
