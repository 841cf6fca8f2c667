"""Anomaly detection on football games: each check on a game that trips it and one that must not,
the record shape the export reads, generated and sample coupons, and the profile's output."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pymupdf
import pytest

from paperlane.export import football as export
from paperlane.pages import Page
from paperlane.pdf.text import extract_pages
from paperlane.profiles.football import FootballOddsProfile, FootballOptions
from paperlane.profiles.football.anomalies import (
    DC_TOLERANCE,
    DEFAULT_BAND,
    MARGIN_MAX_1X2,
    OverroundBand,
    complete,
    detect,
    margin,
    markets,
)
from tests.coupongen import coupon
from tests.shared_assets import samples_dir

RECORD_KEYS = {"game", "type", "message", "severity", "home_team", "away_team", "league", "date"}


def clean(**changes: Any) -> dict[str, Any]:
    """A plausible game (the README's example, plus a BTTS market): 1X2 margin 4.7%, DC consistent."""
    game: dict[str, Any] = {
        "league": "Premier League",
        "date": "2026-11-21",
        "time": "17:30",
        "home_team": "West Ham United",
        "away_team": "Nottingham Forest",
        "home_printed": "West Ham",
        "away_printed": "Nottm Forest",
        "main_market": {"market_type": "1X2", "odds": {"1": 2.3, "X": 3.63, "2": 2.97}},
        "additional_markets": [
            {"market_type": "DC", "odds": {"1X": 1.41, "12": 1.29, "X2": 1.63}},
            {"market_type": "OU2.5", "odds": {"Under": 2.07, "Over": 1.77}},
            {"market_type": "BTTS", "odds": {"Yes": 1.8, "No": 1.95}},
        ],
        "page": 1,
    }
    game.update(changes)
    return game


def with_odds(market: str, odds: dict[str, Any], game: dict[str, Any] | None = None) -> dict[str, Any]:
    game = copy.deepcopy(game or clean())
    if market == "1X2":
        game["main_market"] = {"market_type": "1X2", "odds": odds}
    else:
        others = [m for m in game["additional_markets"] if m["market_type"] != market]
        game["additional_markets"] = [*others, {"market_type": market, "odds": odds}]
    return game


def without(market: str, game: dict[str, Any]) -> dict[str, Any]:
    game = copy.deepcopy(game)
    game["additional_markets"] = [m for m in game["additional_markets"] if m["market_type"] != market]
    return game


def types(games: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(a["game"], a["type"], a["severity"]) for a in detect(games)]


def test_a_clean_game_has_no_anomalies() -> None:
    assert detect([clean()]) == []
    assert detect([]) == []


# ---------------------------------------------------------------- one game


TRIGGERS: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, game, type, severity)
    ("odd below 1.01", with_odds("1X2", {"1": 0.95, "X": 3.63, "2": 2.97}), "odds_out_of_range", "error"),
    ("odd above 1000", with_odds("OU2.5", {"Under": 1.05, "Over": 1250.0}), "odds_out_of_range", "error"),
    ("odd not a number", with_odds("BTTS", {"Yes": "1,80", "No": 1.95}), "odds_out_of_range", "error"),
    ("1X2 arbitrage", with_odds("1X2", {"1": 2.5, "X": 4.0, "2": 3.2}), "margin_low", "error"),
    ("1X2 arbitrage of 0.4%", with_odds("1X2", {"1": 2.5, "X": 3.8, "2": 3.0}), "margin_low", "error"),
    ("OU2.5 arbitrage", with_odds("OU2.5", {"Under": 2.2, "Over": 2.1}), "margin_low", "error"),
    ("BTTS arbitrage", with_odds("BTTS", {"Yes": 2.05, "No": 2.0}), "margin_low", "error"),
    ("1X2 margin 29%", with_odds("1X2", {"1": 1.8, "X": 3.0, "2": 2.5}), "margin_high", "warning"),
    ("OU2.5 margin 25%", with_odds("OU2.5", {"Under": 1.6, "Over": 1.6}), "margin_high", "warning"),
    ("BTTS margin 21%", with_odds("BTTS", {"Yes": 1.5, "No": 1.85}), "margin_high", "warning"),
    ("DC 1X too short", with_odds("DC", {"1X": 1.1, "12": 1.29, "X2": 1.63}), "dc_inconsistent", "warning"),
    (
        "DC columns swapped",
        with_odds("DC", {"1X": 1.63, "12": 1.29, "X2": 1.41}),
        "dc_inconsistent",
        "warning",
    ),
    ("same team", clean(away_team="West Ham United", away_printed="WEST HAM"), "same_team", "error"),
    ("no 1X2", clean(main_market=None), "missing_main_market", "warning"),
    ("incomplete 1X2", with_odds("1X2", {"1": 2.3, "X": 3.63}), "missing_main_market", "warning"),
    ("kick-off 08:59", clean(time="08:59"), "kickoff_unusual", "warning"),
    ("kick-off 03:00", clean(time="03:00"), "kickoff_unusual", "warning"),
    ("kick-off unreadable", clean(time="7pm"), "kickoff_unusual", "warning"),
    (
        "unknown home team",
        clean(home_team="Springfield Rovers", home_printed="Springfield Rovers"),
        "unmatched_team",
        "warning",
    ),
]


@pytest.mark.parametrize(("case", "game", "kind", "severity"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_each_check_fires_alone_on_a_game_that_trips_it(
    case: str, game: dict[str, Any], kind: str, severity: str
) -> None:
    assert types([game]) == [(1, kind, severity)], case


NEAR_MISSES: list[tuple[str, dict[str, Any]]] = [
    # Each sits just inside a threshold that the matching TRIGGERS case crosses.
    ("odds 1.01 and 1000 are prices", without("DC", with_odds("1X2", {"1": 1.01, "X": 15.0, "2": 1000.0}))),
    ("1X2 margin 0.6%", without("DC", with_odds("1X2", {"1": 2.5, "X": 3.75, "2": 2.95}))),
    ("1X2 margin 24%", with_odds("1X2", {"1": 1.85, "X": 3.15, "2": 2.6})),
    ("OU2.5 margin 19%", with_odds("OU2.5", {"Under": 1.68, "Over": 1.68})),
    ("BTTS margin 0.5%", with_odds("BTTS", {"Yes": 1.99, "No": 1.99})),
    ("DC 1X a little short", with_odds("DC", {"1X": 1.2, "12": 1.29, "X2": 1.63})),
    ("kick-off 09:00", clean(time="09:00")),
    ("kick-off 23:59", clean(time="23:59")),
    ("no kick-off printed", clean(time=None)),
    ("known clubs printed as aliases", clean(home_printed="WHU", away_printed="Forest")),
]


@pytest.mark.parametrize(("case", "game"), NEAR_MISSES, ids=[n[0] for n in NEAR_MISSES])
def test_games_just_inside_the_thresholds_pass(case: str, game: dict[str, Any]) -> None:
    assert detect([game]) == [], case


def _margin(case: str, market: str) -> float:
    game = dict(NEAR_MISSES)[case]
    book = complete(markets(game)[market], market)
    assert book is not None
    return margin(book)


def test_the_near_misses_are_really_near_the_thresholds() -> None:
    """Guards the cases above: if a constant moves, this shows which near miss went stale."""
    assert 0 < _margin("1X2 margin 0.6%", "1X2") < 0.01
    assert 0 < _margin("BTTS margin 0.5%", "BTTS") < 0.01
    assert MARGIN_MAX_1X2 - 0.01 < _margin("1X2 margin 24%", "1X2") < MARGIN_MAX_1X2
    two_way = DEFAULT_BAND.ceiling("OU2.5")
    assert two_way - 0.01 < _margin("OU2.5 margin 19%", "OU2.5") < two_way
    # DC 1X at 1.20 against the 1X2's P(1) + P(X) = 0.678: 0.750, 0.072 off.
    dc = markets(dict(NEAR_MISSES)["DC 1X a little short"])["DC"]
    share = 2 * (1 / dc["1X"]) / sum(1 / o for o in dc.values())
    p = {k: (1 / o) / sum(1 / v for v in (2.3, 3.63, 2.97)) for k, o in {"1": 2.3, "X": 3.63}.items()}
    assert DC_TOLERANCE - 0.01 < share - (p["1"] + p["X"]) < DC_TOLERANCE


def test_record_shape_numbers_and_messages() -> None:
    other = {"away_team": "Arsenal", "away_printed": "Arsenal"}
    games = [
        clean(),
        clean(home_team="Springfield Rovers", home_printed="Springfield R.", time="06:15", **other),
    ]
    found = detect(games)
    assert [set(a) for a in found] == [RECORD_KEYS, RECORD_KEYS]
    assert found[0] == {
        "game": 2,
        "type": "kickoff_unusual",
        "message": "kick-off 06:15 is before 09:00",
        "severity": "warning",
        "home_team": "Springfield Rovers",
        "away_team": "Arsenal",
        "league": "Premier League",
        "date": "2026-11-21",
    }
    assert found[1]["type"] == "unmatched_team" and "'Springfield R.'" in found[1]["message"]


def test_messages_name_the_numbers_that_tripped_the_check() -> None:
    (low,) = detect([with_odds("1X2", {"1": 2.6, "X": 3.8, "2": 3.1})])
    assert low["message"] == "1X2 margin -3.0% is below zero: an arbitrage, odds misread?"
    (bad,) = detect([with_odds("1X2", {"1": 0.95, "X": 3.63, "2": 2.97})])
    assert "1=0.95" in bad["message"] and "X=" not in bad["message"]
    (dc,) = detect([with_odds("DC", {"1X": 1.1, "12": 1.29, "X2": 1.63})])
    assert dc["message"].startswith("DC 1X at 1.1 implies 79%, the 1X2 implies 68%")


def main_only(odds: dict[str, float]) -> dict[str, Any]:
    """A clean game with these 1X2 odds and no double chance (which would disagree with them)."""
    game = with_odds("1X2", odds)
    game["additional_markets"] = [m for m in game["additional_markets"] if m["market_type"] != "DC"]
    return game


def test_the_overround_band_is_the_documents_to_choose() -> None:
    # Book sums: 1.31 (a 31% margin: high for a retail coupon, usual in some exotic leagues) and
    # 1.015 (a sharp book's 1.5% margin).
    wide = main_only({"1": 1.5, "X": 2.9, "2": 3.3})
    thin = main_only({"1": 2.3, "X": 3.5, "2": 3.4})
    assert round(margin({"1": 1.5, "X": 2.9, "2": 3.3}), 3) == 0.315
    assert [a["type"] for a in detect([wide])] == ["margin_high"]
    assert detect([wide], OverroundBand(low=1.0, high=1.35)) == []
    assert detect([thin]) == []
    (low,) = detect([thin], OverroundBand(low=1.02, high=1.25))
    assert low["type"] == "margin_low" and low["message"] == "1X2 margin 1.5% is below 2%, odds misread?"
    # Two-way books follow the band at four fifths of the 1X2 margin.
    assert OverroundBand(low=1.0, high=1.5).ceiling("BTTS") == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"overround_min": 1.3, "overround_max": 1.2}, "must be below"),
        ({"overround_max": 0.9}, "greater than or equal to 1"),
        ({"overround_ceiling": 1.2}, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_band_is_refused_with_the_reason(options: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        FootballOptions.model_validate(options)


def test_the_profile_applies_its_band() -> None:
    game = main_only({"1": 1.5, "X": 2.9, "2": 3.3})
    assert detect([game]) != []
    band = FootballOptions(overround_min=1.0, overround_max=1.4).band
    assert band == OverroundBand(low=1.0, high=1.4)
    assert detect([game], band) == []


def test_a_bad_odd_is_reported_once_not_again_as_a_margin_or_missing_market() -> None:
    # 0.5 would make the 1X2 an arbitrage and incomplete; the misread is the one thing to fix.
    assert types([with_odds("1X2", {"1": 0.5, "X": 3.63, "2": 2.97})]) == [(1, "odds_out_of_range", "error")]


def test_both_unknown_teams_are_reported_and_several_findings_stay_in_game_order() -> None:
    odd = clean(home_team="Foo", home_printed="Foo", away_team="Bar", away_printed="Bar", time="02:00")
    odd["main_market"] = None
    arbitrage = with_odds("OU2.5", {"Under": 2.2, "Over": 2.1}, clean(date="2026-11-22"))
    assert types([clean(), odd, arbitrage]) == [
        (2, "missing_main_market", "warning"),
        (2, "kickoff_unusual", "warning"),
        (2, "unmatched_team", "warning"),
        (2, "unmatched_team", "warning"),
        (3, "margin_low", "error"),
    ]


# ---------------------------------------------------------------- across games


def test_duplicate_with_different_odds_marks_the_later_copy() -> None:
    repriced = with_odds("1X2", {"1": 2.25, "X": 3.6, "2": 3.05})
    assert types([clean(), clean(page=2), repriced]) == [(3, "duplicate_game", "warning")]
    (dup,) = detect([clean(), repriced])
    assert dup["game"] == 2 and "game 1" in dup["message"]


def test_exact_repeats_and_other_dates_are_no_duplicates() -> None:
    # A coupon may print a game twice (a "top games" box); only conflicting prices are suspect.
    only_1x2 = clean(additional_markets=[])
    other_day = with_odds("1X2", {"1": 2.25, "X": 3.6, "2": 3.05}, clean(date="2026-11-28"))
    assert detect([clean(), only_1x2, other_day]) == []


def test_duplicate_needs_the_same_names_ignoring_case_and_spacing() -> None:
    shouted = with_odds("1X2", {"1": 2.25, "X": 3.6, "2": 3.05}, clean(home_team="WEST  HAM UNITED"))
    found = types([clean(), shouted])
    assert (2, "duplicate_game", "warning") in found


def test_team_twice_on_one_day_marks_later_fixtures() -> None:
    second = clean(away_team="Arsenal", away_printed="Arsenal", time="20:00")
    third = clean(home_team="Chelsea", away_team="Arsenal", home_printed="Chelsea", away_printed="Arsenal")
    found = detect([clean(), second, third])
    assert [(a["game"], a["type"]) for a in found] == [(2, "team_twice_same_day"), (3, "team_twice_same_day")]
    assert found[0]["message"] == "West Ham United also plays in game 1 on 2026-11-21"
    assert found[1]["message"] == "Arsenal also plays in game 2 on 2026-11-21"


def test_reverse_fixture_on_the_same_day_books_both_teams_twice() -> None:
    reverse = clean(home_team="Nottingham Forest", away_team="West Ham United")
    assert types([clean(), reverse]) == [(2, "team_twice_same_day", "warning")] * 2


def test_a_team_on_different_days_or_without_a_date_is_fine() -> None:
    next_week = clean(away_team="Arsenal", date="2026-11-28")
    undated_a = clean(date=None)
    undated_b = clean(date=None, away_team="Arsenal")
    assert detect([clean(), next_week, undated_a, undated_b]) == []


def test_same_team_game_is_not_also_a_double_booking() -> None:
    assert types([clean(away_team="West Ham United")]) == [(1, "same_team", "error")]


# ---------------------------------------------------------------- the export reads these records


def test_export_highlights_and_names_the_games_anomalies_point_at() -> None:
    games = [clean(), clean(time="05:00"), clean(home_team="Chelsea", away_team="Arsenal")]
    found = detect(games)
    assert export.flagged(games, found) == {1}
    assert export.game_name(found[0]["game"], games) == "West Ham United v Nottingham Forest"


# ---------------------------------------------------------------- generated and sample coupons


def _repriced(game: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The game with odds a bookmaker would print: outcome probabilities first, then each market priced
    from them with a 3-12% margin. (The generator draws every price independently; see below.)"""
    home, draw = rng.uniform(0.15, 0.75), rng.uniform(0.18, 0.32)
    draw = min(draw, 0.95 - home)
    p = {"1": home, "X": draw, "2": 1 - home - draw}
    over = rng.uniform(0.35, 0.65)
    yes = rng.uniform(0.4, 0.6)
    fair = {
        "1X2": p,
        "DC": {"1X": p["1"] + p["X"], "12": p["1"] + p["2"], "X2": p["X"] + p["2"]},
        "OU2.5": {"Under": 1 - over, "Over": over},
        "BTTS": {"Yes": yes, "No": 1 - yes},
    }

    def price(market: str) -> dict[str, float]:
        overround = 1 + rng.uniform(0.03, 0.12)
        # Like bookmakers, never below the shortest printable price.
        return {k: max(1.01, round(1 / (q * overround), 2)) for k, q in fair[market].items()}

    out = copy.deepcopy(game)
    out["main_market"] = {"market_type": "1X2", "odds": price("1X2")}
    out["additional_markets"] = [
        {"market_type": m["market_type"], "odds": price(m["market_type"])} for m in game["additional_markets"]
    ]
    return out


@pytest.fixture(scope="module")
def generated() -> list[list[dict[str, Any]]]:
    return [coupon(seed).games for seed in range(40)]


def test_generated_coupons_priced_like_a_bookmaker_have_no_anomalies(
    generated: list[list[dict[str, Any]]],
) -> None:
    """Fixtures, dates, kick-offs and names of 40 generated coupons, with coherent odds: all clean."""
    rng = random.Random(7)
    total = 0
    for games in generated:
        priced = [_repriced(g, rng) for g in games]
        assert detect(priced) == [], games[0]["date"]
        total += len(priced)
    assert total > 300 and sum(len(g["additional_markets"]) for c in generated for g in c) > 100


def test_generated_coupons_raw_odds_errors_are_only_real_arbitrages(
    generated: list[list[dict[str, Any]]],
) -> None:
    """coupongen draws 1, X and 2 (and each two-way price) independently, so most of its books sum to
    less than 100%: genuine arbitrages, which the check must keep calling errors. Everything that does
    not depend on the prices (teams, dates, kick-offs, duplicates) must be clean, and every error must
    be an arbitrage recomputed here from the odds."""
    errors = 0
    for games in generated:
        for a in detect(games):
            assert a["type"] in {"margin_low", "margin_high", "dc_inconsistent"}, a
            if a["severity"] != "error":
                continue
            errors += 1
            assert a["type"] == "margin_low"
            market = a["message"].split()[0]
            odds = markets(games[a["game"] - 1])[market]
            assert sum(1 / o for o in odds.values()) < 1, a
    assert errors > 0  # the generator's odds do produce arbitrages; if this fails, revisit this test


def test_profile_on_generated_coupon_pdfs_finds_only_the_generators_odds_problems() -> None:
    """End to end on 12 generated PDFs: extraction adds no anomalies of its own (no misread odds or
    times, no unmatched names, no duplicates), and what is reported matches the extracted games."""
    kinds: set[str] = set()
    for seed in range(12):
        result = FootballOddsProfile().extract(_pages(coupon(seed).pdf))
        found = result.output["anomalies"]
        assert found == detect(result.output["games"])
        assert result.summary["anomalies"] == len(found)
        kinds |= {a["type"] for a in found}
    assert kinds and kinds <= {"margin_low", "margin_high", "dc_inconsistent"}


@pytest.mark.shared_corpus
def test_sample_coupons_expected_games_have_no_anomalies() -> None:
    """The samples' odds are priced coherently (margins 4.5-7.6%, DC within 0.003): no findings."""
    folder = samples_dir() / "football"
    for path in sorted(folder.glob("*.expected.json")):
        games = json.loads(path.read_text(encoding="utf-8"))["games"]
        assert detect(games) == [], path.name


# ---------------------------------------------------------------- the profile


def _pages(pdf: bytes) -> list[Page]:
    return extract_pages(pdf, 1, pymupdf.open(stream=pdf, filetype="pdf").page_count)


def _simple_coupon(rows: list[str]) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, row in enumerate(rows):
        for x, text in zip((40, 90, 300, 350, 400, 450, 500), row.split("|"), strict=False):
            if text:
                page.insert_text((x, 80 + 16 * i), text, fontsize=9)
    return doc.tobytes()


COUPON = _simple_coupon(
    [
        "Sunday 22 November 2026",
        "SPAIN - LA LIGA",
        "Time|Home - Away|1|X|2",
        "18:30|Atleti - Barça|2,40|3,30|2,90",
        "06:00|Springfield Rovers - Real Madrid|6.00|4.50|1.50",
        "21:00|Sevilla - Betis|-|-|-|",
        "21:00|Valencia - Villarreal|2.60|3.80|3.10",
    ]
)


def test_profile_reports_anomalies_in_output_records_and_summary() -> None:
    result = FootballOddsProfile().extract(_pages(COUPON))
    games = result.output["games"]
    assert [g["home_team"] for g in games] == ["Atlético Madrid", "Springfield Rovers", "Valencia"]
    anomalies = result.output["anomalies"]
    assert [(a["game"], a["type"], a["severity"]) for a in anomalies] == [
        (2, "kickoff_unusual", "warning"),
        (2, "unmatched_team", "warning"),
        (3, "margin_low", "error"),  # 2.60 / 3.80 / 3.10 sums to 97.0%
    ]
    assert result.records["anomaly"] == anomalies and result.records["game"] == games
    assert result.summary["anomalies"] == 3
    # Existing keys are untouched; the anomaly's game numbers index the game records.
    assert set(result.output) == {"games", "teams_unmatched", "anomalies"}
    assert result.output["teams_unmatched"] == ["Springfield Rovers"]
    assert {games[a["game"] - 1]["home_team"] for a in anomalies} == {"Springfield Rovers", "Valencia"}
    assert {"games", "teams_unmatched", "games_without_1x2", "leagues", "teams_normalized"} <= set(
        result.summary
    )


def test_profile_numbers_anomalies_after_main_matches_only_filtering() -> None:
    pdf = _simple_coupon(
        [
            "Sunday 22 November 2026",
            "SPAIN - LA LIGA",
            "Time|Home - Away|1|X|2|1X|12",
            "21:00|Sevilla - Betis|-|-|-|1.20|1.15",
            "07:30|Girona - Getafe|2.10|3.20|3.70|1.25|1.30",
        ]
    )
    pages = _pages(pdf)
    every = FootballOddsProfile().extract(pages).output["anomalies"]
    assert [(a["game"], a["type"]) for a in every] == [(1, "missing_main_market"), (2, "kickoff_unusual")]
    only = FootballOddsProfile(FootballOptions(main_matches_only=True)).extract(pages)
    assert [(a["game"], a["type"]) for a in only.output["anomalies"]] == [(1, "kickoff_unusual")]
    assert only.output["games"][0]["home_team"] == "Girona"


def test_profile_without_games_has_empty_anomalies_everywhere() -> None:
    page = Page(page=1, width=595, height=842, text="", words=[], source="none", needs_ocr=True)
    result = FootballOddsProfile().extract([page])
    assert result.output["anomalies"] == [] and result.records["anomaly"] == []
    assert result.summary["anomalies"] == 0


# ---------------------------------------------------------------- added: coupon range, across documents


def _priced(home: str, away: str, date: str, odds: tuple[float, float, float]) -> dict[str, Any]:
    return {
        "league": "Premier League",
        "date": date,
        "time": "15:00",
        "home_team": home,
        "away_team": away,
        "main_market": {"market_type": "1X2", "odds": {"1": odds[0], "X": odds[1], "2": odds[2]}},
        "additional_markets": [],
    }


def test_a_kickoff_far_from_the_coupons_other_days_is_flagged() -> None:
    from paperlane.profiles.football.anomalies import detect

    fair = (2.2, 3.4, 3.3)
    games = [
        _priced("Arsenal", "Chelsea", "2026-11-28", fair),
        _priced("Everton", "Fulham", "2026-11-29", fair),
        _priced("Brentford", "Burnley", "2026-11-29", fair),
        _priced("Liverpool", "Aston Villa", "2026-02-11", fair),  # day and month swapped
    ]
    found = [(a["game"], a["type"]) for a in detect(games)]
    assert (4, "kickoff_out_of_range") in found
    assert not [g for g, t in found if t == "kickoff_out_of_range" and g != 4]


def test_the_same_fixture_priced_very_differently_in_another_document() -> None:
    from paperlane.profiles import ProfileResult, cross_document
    from paperlane.profiles.football.anomalies import across_documents

    mine = [_priced("Arsenal", "Chelsea", "2026-11-28", (2.2, 3.4, 3.3))]
    close = [{**_priced("Arsenal", "Chelsea", "2026-11-28", (2.1, 3.4, 3.5)), "job_id": "a" * 32}]
    far = [{**_priced("Arsenal", "Chelsea", "2026-11-28", (3.5, 3.4, 2.0)), "job_id": "b" * 32}]
    other_day = [{**_priced("Arsenal", "Chelsea", "2026-12-28", (3.5, 3.4, 2.0)), "job_id": "c" * 32}]
    assert across_documents(mine, close + other_day) == []
    [found] = across_documents(mine, far)
    assert found["type"] == "odds_moved_across_docs" and "b" * 32 in found["message"]

    result = ProfileResult(
        output={"games": mine, "anomalies": []}, records={"game": mine}, summary={"anomalies": 0}
    )
    enriched = cross_document("football_odds", result, lambda day: far if day == "2026-11-28" else [])
    assert enriched.summary["anomalies"] == 1 and enriched.records["anomaly"] == enriched.output["anomalies"]
    assert cross_document("generic", result, lambda day: far) is result
