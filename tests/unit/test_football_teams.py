"""Team-name normalisation: the alias table, accent/punctuation-insensitive lookup, fuzzy matching."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from paperlane.profiles.football.teams import CLUB_TABLE, normalize
from tests.shared_assets import samples_dir

LEAGUES = ("Premier League", "Championship", "La Liga", "Serie A", "Bundesliga", "Ligue 1", "Eredivisie")


def test_table_covers_the_required_divisions_with_150_clubs() -> None:
    assert len(CLUB_TABLE) >= 150
    per_league = Counter(c.league for c in CLUB_TABLE)
    for league in (*LEAGUES, "Primeira Liga"):
        assert per_league[league] >= 18, league
    assert len({c.canonical for c in CLUB_TABLE}) == len(CLUB_TABLE), "canonical names must be unique"


def test_every_alias_in_the_table_leads_back_to_its_own_club() -> None:
    wrong = [
        (alias, club.canonical, normalize(alias).canonical)
        for club in CLUB_TABLE
        for alias in (club.canonical, *club.aliases)
        if normalize(alias).canonical != club.canonical or not normalize(alias).matched
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("Man Utd", "Manchester United"),
        ("Man United", "Manchester United"),
        ("MUFC", "Manchester United"),
        ("Man City", "Manchester City"),
        ("Spurs", "Tottenham Hotspur"),
        ("Wolves", "Wolverhampton Wanderers"),
        ("Nottm Forest", "Nottingham Forest"),
        ("Nott'm Forest", "Nottingham Forest"),
        ("Brighton and Hove Albion", "Brighton & Hove Albion"),
        ("Inter", "Inter Milan"),
        ("Internazionale", "Inter Milan"),
        ("Milan", "AC Milan"),
        ("AS Roma", "Roma"),
        ("Verona", "Hellas Verona"),
        ("PSG", "Paris Saint-Germain"),
        ("Paris St Germain", "Paris Saint-Germain"),
        ("Paris FC", "Paris FC"),
        ("Gladbach", "Borussia Mönchengladbach"),
        ("Borussia Monchengladbach", "Borussia Mönchengladbach"),
        ("Bayern München", "Bayern Munich"),
        ("Leverkusen", "Bayer Leverkusen"),
        ("Atleti", "Atlético Madrid"),
        ("Atletico Madrid", "Atlético Madrid"),
        ("ATLÉTICO MADRID", "Atlético Madrid"),
        ("Barça", "Barcelona"),
        ("FC Barcelona", "Barcelona"),
        ("Betis", "Real Betis"),
        ("Athletic Club", "Athletic Bilbao"),
        ("Alaves", "Alavés"),
        ("FC Porto", "Porto"),
        ("Sporting Lisbon", "Sporting CP"),
        ("PSV", "PSV Eindhoven"),
        ("  Man   Utd ", "Manchester United"),
    ],
)
def test_aliases_accents_case_and_punctuation(printed: str, canonical: str) -> None:
    match = normalize(printed)
    assert match.matched and match.canonical == canonical
    assert match.printed == " ".join(printed.split())
    assert match.score == 100.0


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("Manchster United", "Manchester United"),
        ("Real Madird", "Real Madrid"),
        ("Wolverhampton Wanderes", "Wolverhampton Wanderers"),
    ],
)
def test_misspellings_match_fuzzily_with_a_score_below_exact(printed: str, canonical: str) -> None:
    match = normalize(printed)
    assert match.matched and match.canonical == canonical
    assert 80.0 <= match.score < 100.0


@pytest.mark.parametrize(
    "printed", ["John Smith", "Lorem Ipsum", "Springfield Rovers", "Shelbyville", "Sheffield", "Total goals"]
)
def test_names_that_are_no_known_club_stay_as_printed(printed: str) -> None:
    match = normalize(printed)
    assert (match.canonical, match.printed, match.matched, match.score) == (printed, printed, False, 0.0)


def test_league_context_accepts_a_weaker_match_inside_the_league() -> None:
    # An OCR-style slip: too far from "Arsenal" to accept blind, close enough for a Premier League game.
    assert not normalize("Arsena1").matched
    in_league = normalize("Arsena1", league="Premier League")
    assert in_league.matched and in_league.canonical == "Arsenal"
    assert not normalize("Arsena1", league="Serie A").matched


def test_every_team_in_the_samples_has_the_expected_canonical_name() -> None:
    folder = samples_dir() / "football"
    seen = 0
    for path in sorted(folder.glob("*.expected.json")):
        for game in json.loads(path.read_text(encoding="utf-8"))["games"]:
            for side in ("home", "away"):
                canonical, printed = game[f"{side}_team"], game[f"{side}_printed"]
                assert normalize(printed, league=game["league"]).canonical == canonical, (path.name, printed)
                assert normalize(canonical).canonical == canonical
                seen += 1
    assert seen > 100


def test_run_time_aliases_win_and_can_be_withdrawn() -> None:
    from paperlane.profiles.football.teams import use_runtime_aliases

    assert not normalize("Springfield Rovers").matched
    try:
        use_runtime_aliases({"Springfield  Rovers": "Burnley", "Man Utd": "Manchester City"})
        assert normalize("springfield rovers").canonical == "Burnley"
        # A run-time alias overrides the curated table (a correction needs no release).
        assert normalize("Man. Utd").canonical == "Manchester City"
    finally:
        use_runtime_aliases({})
    assert normalize("Man Utd").canonical == "Manchester United"
    assert not normalize("Springfield Rovers").matched
