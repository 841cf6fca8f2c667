"""Extraction over generated coupons of many layouts and over the text-layer samples.

Compared by the rule in samples/README.md ("How outputs are compared"), implemented in
tests/coupongen.compare.
"""

from __future__ import annotations

import json

import pymupdf
import pytest

from paperlane import profiles
from paperlane.pages import Page
from paperlane.pdf.text import extract_pages
from paperlane.profiles.football import FootballOddsProfile, FootballOptions
from tests.coupongen import Coupon, compare, coupon
from tests.shared_assets import samples_dir

SEEDS = range(40)


def _pages(pdf: bytes) -> list[Page]:
    count = pymupdf.open(stream=pdf, filetype="pdf").page_count
    return extract_pages(pdf, 1, count)


@pytest.fixture(scope="module")
def coupons() -> list[Coupon]:
    return [coupon(seed) for seed in SEEDS]


def test_generator_draws_the_layout_variants_that_matter(coupons: list[Coupon]) -> None:
    """The recall test means something only if the seeds cover every variant."""
    styles = [c.style for c in coupons]
    assert any(s.two_up for s in styles)
    assert any(s.odds_first for s in styles) and any(not s.odds_first for s in styles)
    assert any(s.teams_in_one for s in styles) and any(not s.teams_in_one for s in styles)
    assert any(s.code for s in styles) and any(not s.code for s in styles)
    assert any(s.league_as_column for s in styles) and any(s.date_as_column for s in styles)
    assert (
        any(not s.header for s in styles) and any(s.grid for s in styles) and any(not s.grid for s in styles)
    )
    assert any(s.decimal_comma for s in styles)
    assert {s.time_fmt for s in styles} >= {"hh:mm", "hhhmm", "ampm"}
    assert {s.date_fmt for s in styles} >= {"dd.mm.yyyy", "dd/mm/yyyy", "iso", "wd dd mon", "dd/mm", "long"}
    assert any(pymupdf.open(stream=c.pdf, filetype="pdf").page_count > 1 for c in coupons)
    assert any(len(g["additional_markets"]) >= 2 for c in coupons for g in c.games)


def test_recall_and_precision_on_generated_coupons(coupons: list[Coupon]) -> None:
    expected = extracted = found = normalised = 0
    worst: list[tuple[float, int]] = []
    markets_ok = markets_total = 0
    for c in coupons:
        games = FootballOddsProfile().extract(_pages(c.pdf)).output["games"]
        score = compare(games, c.games)
        expected += score.expected
        extracted += score.extracted
        found += score.found
        normalised += score.normalised
        worst.append((score.recall, c.seed))
        # Beyond the comparison rule: league and the other markets must come out right as well.
        by_key = {(g["date"], g["time"], g["home_printed"], g["away_printed"]): g for g in games}
        for want in c.games:
            got = by_key.get((want["date"], want["time"], want["home_printed"], want["away_printed"]))
            markets_total += 1
            if (
                got
                and got["league"] == want["league"]
                and got["additional_markets"] == want["additional_markets"]
            ):
                markets_ok += 1
    recall, precision = found / expected, found / extracted
    print(
        f"\ngenerated coupons: {len(coupons)}, games {expected}; "
        f"recall {recall:.3f}, precision {precision:.3f}, "
        f"normalised {normalised / found:.3f}, league+markets exact {markets_ok / markets_total:.3f}; "
        f"worst seeds {sorted(worst)[:3]}"
    )
    assert recall >= 0.9
    assert precision >= 0.9
    assert normalised / found >= 0.9
    assert markets_ok / markets_total >= 0.9


SAMPLES = ("coupon_grid_01", "coupon_list_01", "coupon_grid_02")


@pytest.mark.shared_corpus
@pytest.mark.parametrize("name", SAMPLES)
def test_text_layer_samples(name: str) -> None:
    folder = samples_dir() / "football"
    expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))["games"]
    result = FootballOddsProfile().extract(_pages((folder / f"{name}.pdf").read_bytes()))
    score = compare(result.output["games"], expected)
    print(
        f"\n{name}: recall {score.recall:.3f}, precision {score.precision:.3f}, normalised {score.normalised}"
    )
    assert score.recall >= 0.95, score.missed
    assert score.precision >= 0.95, score.extra
    assert score.normalised == score.found
    assert result.output["teams_unmatched"] == []


def _simple_coupon(rows: list[str]) -> bytes:
    """A plain listing: one row per string, columns separated by "|" and placed at fixed x positions."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    xs = (40, 90, 300, 350, 400, 450)
    for i, row in enumerate(rows):
        for x, text in zip(xs, row.split("|"), strict=False):
            if text:
                page.insert_text((x, 80 + 16 * i), text, fontsize=9)
    return doc.tobytes()


def test_profile_output_contract_unmatched_teams_and_options() -> None:
    pdf = _simple_coupon(
        [
            "Sunday 22 November 2026",
            "SPAIN - LA LIGA",
            "Time|Home - Away|1|X|2",
            "18:30|Atleti - Barça|2,40|3,30|2,90",
            "20:00|Springfield Rovers - Real Madrid|6.00|4.50|1.50",
            "21:00|Sevilla - Betis|-|-|-",
        ]
    )
    pages = _pages(pdf)
    result = profiles.get("football_odds").extract(pages)
    games = result.output["games"]
    assert len(games) == 2  # the row without any price is no game
    first = games[0]
    assert first == {
        "league": "La Liga",
        "date": "2026-11-22",
        "time": "18:30",
        "home_team": "Atlético Madrid",
        "away_team": "Barcelona",
        "home_printed": "Atleti",
        "away_printed": "Barça",
        "main_market": {"market_type": "1X2", "odds": {"1": 2.4, "X": 3.3, "2": 2.9}},
        "additional_markets": [],
        "page": 1,
    }
    assert games[1]["home_team"] == "Springfield Rovers" and games[1]["away_team"] == "Real Madrid"
    assert result.output["teams_unmatched"] == ["Springfield Rovers"]
    assert result.records == {"game": games, "anomaly": result.output["anomalies"]}
    assert [(a["game"], a["type"]) for a in result.output["anomalies"]] == [(2, "unmatched_team")]
    assert result.summary["games"] == 2 and result.summary["teams_unmatched"] == 1

    assert FootballOddsProfile(FootballOptions(extract_football=False)).extract(pages).output["games"] == []


def test_main_matches_only_drops_games_without_1x2() -> None:
    pdf = _simple_coupon(
        [
            "Premier League",
            "Date|Home - Away|1|X|2|1X",
            "21/11/2026 15:00|Chelsea - Spurs|1.50|4.00|6.00|1.10",
        ]
    )
    # A game with its 1X2 not offered but other prices printed.
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    for x, text in zip(
        (40, 90, 300, 350, 400, 450),
        ("21/11/2026 17:30", "Arsenal - Wolves", "-", "-", "-", "1.20"),
        strict=True,
    ):
        page.insert_text((x, 80 + 16 * 3), text, fontsize=9)
    for x, text in zip((500,), ("1.30",), strict=True):
        page.insert_text((x, 80 + 16 * 3), text, fontsize=9)
    pages = _pages(doc.tobytes())
    every = FootballOddsProfile().extract(pages).output["games"]
    assert [g["main_market"] is not None for g in every] == [True, False]
    only = FootballOddsProfile(FootballOptions(main_matches_only=True)).extract(pages).output["games"]
    assert [g["home_team"] for g in only] == ["Chelsea"]


def test_pages_without_words_yield_no_games() -> None:
    page = Page(page=1, width=595, height=842, text="", words=[], source="none", needs_ocr=True)
    result = FootballOddsProfile().extract([page])
    assert result.output == {"games": [], "teams_unmatched": [], "anomalies": []}
    assert result.summary["games"] == 0
