"""Reports over football games: per-league/date summaries and odds movement across coupons."""

from __future__ import annotations

from typing import Any

import pytest

from paperlane.profiles.football.reports import odds_movement, summarise


def game(
    home: str,
    away: str,
    odds: tuple[float, float, float] | None,
    *,
    league: str | None = "Premier League",
    date: str | None = "2026-11-21",
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "league": league,
        "date": date,
        "time": "15:00",
        "home_team": home,
        "away_team": away,
        "home_printed": home,
        "away_printed": away,
        "main_market": None
        if odds is None
        else {"market_type": "1X2", "odds": dict(zip(("1", "X", "2"), odds, strict=True))},
        "additional_markets": extra or [],
    }


# ---------------------------------------------------------------- summarise


GAMES = [
    # margin 1/2 + 1/3.5 + 1/4 - 1 = 3.571%; favourite: home, 0.5 / 1.03571 = 0.4828
    game("Arsenal", "Chelsea", (2.0, 3.5, 4.0)),
    # margin 1/1.25 + 1/6 + 1/10 - 1 = 6.667%; favourite: home, 0.8 / 1.06667 = 0.75
    game("Liverpool", "Everton", (1.25, 6.0, 10.0), date="2026-11-22"),
    # margin 1/4 + 1/3.6 + 1/1.9 - 1 = 5.409%; favourite: away, (1/1.9) / 1.05409 = 0.4993
    game("Barcelona", "Sevilla", (4.0, 3.6, 1.9), league="La Liga"),
    # no 1X2: counted, but no margin or favourite
    game("Roma", "Lazio", None, league="Serie A"),
    # neither league nor date printed
    game("Ajax", "PSV", (2.5, 3.4, 2.7), league=None, date=None),
    # an odd out of range is no price: no margin from it
    game("Leeds United", "Burnley", (0.9, 3.4, 2.7), league="Championship"),
]


def test_summarise_counts_games_per_league_and_date() -> None:
    report = summarise(GAMES)
    assert report["games"] == 6
    assert report["games_per_league"] == {
        "Championship": 1,
        "La Liga": 1,
        "Premier League": 2,
        "Serie A": 1,
        "unknown": 1,
    }
    assert report["games_per_date"] == {"2026-11-21": 4, "2026-11-22": 1, "unknown": 1}
    assert report["games_per_league_date"]["Premier League"] == {"2026-11-21": 1, "2026-11-22": 1}
    assert report["games_per_league_date"]["unknown"] == {"unknown": 1}


def test_summarise_averages_the_1x2_margin_per_league() -> None:
    margins = summarise(GAMES)["average_margin_1x2"]
    assert set(margins) == {"Premier League", "La Liga", "unknown"}  # no Serie A (no 1X2), no Championship
    assert margins["Premier League"] == pytest.approx((0.035714 + 0.066667) / 2, abs=1e-4)
    assert margins["La Liga"] == pytest.approx(0.054094, abs=1e-4)


def test_summarise_describes_how_likely_the_favourites_are() -> None:
    fav = summarise(GAMES)["favourite_win_probability"]
    assert fav["games"] == 4
    # 0.4828, 0.75, 0.4993 and Ajax-PSV: (1/2.5) / (0.4 + 0.2941 + 0.3704) = 0.3758
    assert fav["mean"] == pytest.approx((0.4828 + 0.75 + 0.4993 + 0.3758) / 4, abs=1e-3)
    assert fav["median"] == pytest.approx((0.4828 + 0.4993) / 2, abs=1e-3)
    bands = fav["bands"]
    assert list(bands) == [f"{lo}-{lo + 10}%" for lo in range(0, 100, 10)]
    assert {k: v for k, v in bands.items() if v} == {"30-40%": 1, "40-50%": 2, "70-80%": 1}


def test_summarise_puts_a_certainty_in_the_top_band_and_handles_no_games() -> None:
    # 1.01 v 1000 v 1000: the favourite's probability rounds to 1.0 and must not fall off the axis.
    report = summarise([game("Arsenal", "Chelsea", (1.01, 1000.0, 1000.0))])
    assert report["favourite_win_probability"]["bands"]["90-100%"] == 1
    empty = summarise([])
    assert empty["games"] == 0 and empty["games_per_league"] == {} and empty["average_margin_1x2"] == {}
    assert empty["favourite_win_probability"]["mean"] is None
    assert sum(empty["favourite_win_probability"]["bands"].values()) == 0


# ---------------------------------------------------------------- odds_movement


def _ou(under: float, over: float) -> list[dict[str, Any]]:
    return [{"market_type": "OU2.5", "odds": {"Under": under, "Over": over}}]


MONDAY = (
    "2026-11-16T09:00:00Z",
    [
        game("Arsenal", "Chelsea", (2.0, 3.5, 4.0), extra=_ou(2.0, 1.8)),
        game("Liverpool", "Everton", (1.25, 6.0, 10.0)),
    ],
)
WEDNESDAY = (
    # Same moment zone-wise as 12:00 UTC; names in other case/spacing still match.
    "2026-11-18T13:00:00+01:00",
    [
        game("ARSENAL", "Chelsea", (1.9, 3.5, 4.4)),
        game("Arsenal", "Chelsea", (9.9, 9.9, 9.9)),  # a repeat within a coupon: the first copy counts
        game("Barcelona", "Sevilla", (1.5, 4.0, 6.0), league="La Liga"),
    ],
)
FRIDAY = (
    "2026-11-20T18:30:00",  # naive: read as UTC
    [
        game("Arsenal", "Chelsea", (1.8, 3.6, 5.0), extra=_ou(2.1, 1.7)),
        game("Liverpool", "Everton", (1.25, 6.0, 10.0), date="2026-11-22"),  # another fixture: moved day
    ],
)


def test_odds_movement_follows_each_price_of_a_fixture_over_time() -> None:
    rows = odds_movement([FRIDAY, MONDAY, WEDNESDAY])  # any order in, chronological out
    arsenal = [r for r in rows if r["home_team"].casefold() == "arsenal"]
    assert [(r["market"], r["outcome"]) for r in arsenal] == [
        ("1X2", "1"),
        ("1X2", "X"),
        ("1X2", "2"),
        ("OU2.5", "Under"),
        ("OU2.5", "Over"),
    ]
    home = arsenal[0]
    assert home["first"] == 2.0 and home["last"] == 1.8
    assert home["change"] == pytest.approx(-0.2) and home["change_pct"] == -10.0
    assert home["direction"] == "down"
    assert home["first_seen"] == "2026-11-16T09:00:00Z" and home["last_seen"] == "2026-11-20T18:30:00"
    assert [h["odds"] for h in home["history"]] == [2.0, 1.9, 1.8]
    assert (arsenal[1]["first"], arsenal[1]["last"], arsenal[1]["direction"]) == (3.5, 3.6, "up")
    assert arsenal[2]["change_pct"] == 25.0
    # OU2.5 was printed Monday and Friday only: two points are enough.
    assert [h["at"] for h in arsenal[3]["history"]] == ["2026-11-16T09:00:00Z", "2026-11-20T18:30:00"]
    assert arsenal[3]["direction"] == "up" and arsenal[4]["direction"] == "down"
    # The latest copy names the fixture.
    assert home["date"] == "2026-11-21" and home["league"] == "Premier League"


def test_odds_movement_skips_prices_seen_once_and_reports_unchanged_ones() -> None:
    rows = odds_movement([MONDAY, WEDNESDAY, FRIDAY])
    fixtures = {(r["home_team"].casefold(), r["date"]) for r in rows}
    # Barcelona-Sevilla only on Wednesday; Liverpool-Everton moved from the 21st to the 22nd, so each
    # date is a different fixture seen once.
    assert fixtures == {("arsenal", "2026-11-21")}
    same = odds_movement([MONDAY, ("2026-11-17T09:00:00Z", MONDAY[1])])
    liverpool = [r for r in same if r["home_team"] == "Liverpool"]
    assert {r["direction"] for r in liverpool} == {"unchanged"}
    assert {r["change_pct"] for r in liverpool} == {0.0}


def test_odds_movement_ignores_prices_that_are_no_prices() -> None:
    broken = ("2026-11-17T09:00:00Z", [game("Arsenal", "Chelsea", (0.2, 3.5, 4.0))])
    rows = odds_movement([MONDAY, broken])
    # 0.2 is a misread, not a move of -90%: the "1" has one real point left, so no row.
    assert [(r["market"], r["outcome"]) for r in rows] == [("1X2", "X"), ("1X2", "2")]


def test_odds_movement_rejects_timestamps_that_are_not_iso() -> None:
    with pytest.raises(ValueError, match="not ISO 8601"):
        odds_movement([("last Tuesday", []), MONDAY])
    assert odds_movement([]) == []
