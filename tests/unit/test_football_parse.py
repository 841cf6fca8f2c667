"""Dates, kick-off times, odds and league headings as coupons print them."""

from __future__ import annotations

import datetime as dt

import pytest

from paperlane.profiles.football.leagues import match_league
from paperlane.profiles.football.parse import (
    find_dates,
    infer_year,
    is_missing,
    parse_odds,
    parse_time,
    to_date,
)


def _date(text: str, anchors: list[dt.date] | None = None, today: dt.date | None = None) -> dt.date | None:
    found = find_dates(text)
    assert found, text
    return to_date(found[0], anchors=anchors or [], today=today)


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("22/11/2026", "2026-11-22"),
        ("21.11.2026", "2026-11-21"),
        ("2026-11-22", "2026-11-22"),
        ("22-11-2026", "2026-11-22"),
        ("22/11/26", "2026-11-22"),
        ("Saturday 21 November 2026", "2026-11-21"),
        ("Sat, 21 Nov 2026", "2026-11-21"),
        ("21st November 2026", "2026-11-21"),
        ("November 21, 2026", "2026-11-21"),
        ("Samedi 21 novembre 2026", "2026-11-21"),
        ("11/22/2026", "2026-11-22"),  # month first is the only reading that is a date
    ],
)
def test_dates_with_a_year(printed: str, iso: str) -> None:
    assert _date(printed) == dt.date.fromisoformat(iso)


def test_year_inferred_from_the_coupons_other_dates() -> None:
    anchors = [dt.date(2026, 11, 21), dt.date(2026, 11, 23)]
    assert _date("22/11", anchors) == dt.date(2026, 11, 22)
    assert _date("22.11.", anchors) == dt.date(2026, 11, 22)
    # A coupon valid over new year: January belongs to the following year.
    assert _date("3 Jan", [dt.date(2026, 12, 30)]) == dt.date(2027, 1, 3)


def test_year_inferred_from_the_printed_weekday() -> None:
    # 22 November is a Sunday in 2026, not in 2025 or 2027.
    assert _date("Sun 22 Nov", today=dt.date(2025, 6, 1)) == dt.date(2026, 11, 22)
    assert _date("Sunday, 22 November", today=dt.date(2027, 3, 1)) == dt.date(2026, 11, 22)


def test_year_without_any_clue_is_the_nearest_upcoming_date() -> None:
    assert infer_year(1, 10, today=dt.date(2026, 12, 20)) == dt.date(2027, 1, 10)
    assert infer_year(12, 27, today=dt.date(2026, 12, 20)) == dt.date(2026, 12, 27)


@pytest.mark.parametrize("text", ["Mainz 05", "1.12", "2,30", "Coupon 4711", "Page 1", "Schalke 04 - Union"])
def test_things_that_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("printed", "hhmm"),
    [
        ("15:00", "15:00"),
        ("9:30", "09:30"),
        ("15h00", "15:00"),
        ("3:00 PM", "15:00"),
        ("3:00pm", "15:00"),
        ("12:30 AM", "00:30"),
        ("12:30 PM", "12:30"),
        ("9:05 a.m.", "09:05"),
        ("21.11.2026 20:45", "20:45"),
    ],
)
def test_times(printed: str, hhmm: str) -> None:
    assert parse_time(printed) == hhmm


@pytest.mark.parametrize("text", ["25:00", "2.30", "13:00 PM", "Arsenal"])
def test_things_that_are_not_times(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("printed", "value"),
    [("2.30", 2.3), ("2,30", 2.3), ("1.01", 1.01), ("10.5", 10.5), ("151.00", 151.0), ("1,333", 1.333)],
)
def test_odds(printed: str, value: float) -> None:
    assert parse_odds(printed) == pytest.approx(value)


@pytest.mark.parametrize("text", ["-", "15:00", "356", "1.00", "0.50", "2.5x", "U2.5", ""])
def test_not_odds(text: str) -> None:
    assert parse_odds(text) is None


def test_a_dash_means_not_offered() -> None:
    assert is_missing("-") and is_missing("\u2013") and not is_missing("2.30")


@pytest.mark.parametrize(
    ("heading", "league", "country"),
    [
        ("ENGLAND - PREMIER LEAGUE", "Premier League", "England"),
        ("Premier League", "Premier League", "England"),
        ("Spain La Liga", "La Liga", "Spain"),
        ("LaLiga", "La Liga", "Spain"),
        ("Primera División", "La Liga", "Spain"),
        ("ITALY - SERIE A", "Serie A", "Italy"),
        ("Serie A (Italy)", "Serie A", "Italy"),
        ("Germany 1. Bundesliga", "Bundesliga", "Germany"),
        ("Ligue 1", "Ligue 1", "France"),
        ("Holland Eredivisie", "Eredivisie", "Netherlands"),
        ("Liga Portugal", "Primeira Liga", "Portugal"),
        ("Primeira Liga", "Primeira Liga", "Portugal"),
        ("ENGLAND - CHAMPIONSHIP", "Championship", "England"),
    ],
)
def test_league_headings(heading: str, league: str, country: str) -> None:
    found = match_league(heading)
    assert found is not None and (found.name, found.country) == (league, country)


@pytest.mark.parametrize(
    "text", ["Spain Premier League", "Football coupon - valid 21.11.2026", "Arsenal", "Page 1"]
)
def test_not_league_headings(text: str) -> None:
    assert match_league(text) is None
