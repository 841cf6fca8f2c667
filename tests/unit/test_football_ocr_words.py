"""What OCR does to coupon words, and how the football profile reads through it: misread prices, times,
dates and months, debris before team names, lookalike letters in club names, headings that print only a
weekday. Rows are built as word boxes, with confidences as OCR gives them (a text layer has none)."""

from __future__ import annotations

import datetime as dt

import pytest

from paperlane.pages import Page, Word
from paperlane.profiles.football.extract import extract_games
from paperlane.profiles.football.teams import normalize

TODAY = dt.date(2026, 12, 1)


Cells = list[tuple[str, float | None]]


def _page(rows: list[Cells]) -> Page:
    """Rows 14 pt apart; each (text, confidence) is one cell, 12 pt from the next, its words 3 pt apart
    ("Metz - Brest" is three words in one cell)."""
    words: list[Word] = []
    for r, row in enumerate(rows):
        x = 20.0
        for cell, confidence in row:
            for text in cell.split():
                width = 5.0 * len(text)
                words.append(Word(text, x, 40 + 14 * r, x + width, 48 + 14 * r, r, 0, confidence))
                x += width + 3
            x += 9

    return Page(page=1, width=595, height=842, text="", words=words, source="ocr", needs_ocr=False)


def _ocr(*texts: str) -> Cells:
    return [(t, 90.0) for t in texts]


VALIDITY = _ocr("Football", "coupon", "-", "valid", "12.12.2026", "to", "13.12.2026")


def test_a_misread_month_after_a_day_number_still_dates_the_games() -> None:
    page = _page([VALIDITY, _ocr("Sun13Dee"), _ocr("20:45", "Chelsea - Newcastle", "6.38", "3.01", "7.11")])
    [game] = extract_games([page], today=TODAY)
    assert game["date"] == "2026-12-13"


def test_a_weekday_heading_is_placed_among_the_coupons_days() -> None:
    rows: list[Cells] = [
        VALIDITY,
        [("Sat", 65.0), ("Dee", 8.0)],
        _ocr("19:45", "Juventus - Cremonese", "1.60", "4.38", "7.78"),
    ]
    rows += [_ocr("Sunday"), _ocr("21:00", "AC Milan - Roma", "6.51", "2.82", "4.48")]
    games = extract_games([_page(rows)], today=TODAY)
    assert [g["date"] for g in games] == ["2026-12-12", "2026-12-13"]


def test_a_weekday_that_fits_two_days_dates_nothing() -> None:
    rows = [_ocr("valid", "01.12.2026", "to", "14.12.2026"), _ocr("Saturday")]
    rows += [_ocr("19:45", "Juventus - Cremonese", "1.60", "4.38", "7.78")]
    [game] = extract_games([_page(rows)], today=TODAY)
    assert game["date"] == "2026-12-01"  # the coupon's first day, not one of two Saturdays


def test_a_misread_weekday_still_pins_the_year() -> None:
    # No validity line: the weekday decides the year (Tuesday 10 November is in 2026).
    rows: list[Cells] = [
        [("nue", 29.0), ("10", 61.0), ("nov", 48.0)],
        _ocr("4:15", "PM", "Toulouse vs Auxerre", "5.99", "4.33", "8.38"),
    ]
    [game] = extract_games([_page(rows)], today=TODAY)
    assert game["date"] == "2026-11-10"


@pytest.mark.parametrize(
    ("cells", "odds", "time"),
    [
        (["16h1S", "Metz - Brest", "4,26}", "\u2018$32", "7,32"], (4.26, 5.32, 7.32), "16:15"),
        (["11hOO", "Metz - Brest", "1:25", "4.91", "5.57."], (1.25, 4.91, 5.57), "11:00"),
        (["=20h45", "Metz - Brest", "[2.78", "2.84]", "6.21"], (2.78, 2.84, 6.21), "20:45"),
    ],
)
def test_misread_prices_and_times_are_put_right(cells: list[str], odds: tuple[float, ...], time: str) -> None:
    [game] = extract_games([_page([_ocr(*cells)])], today=TODAY)
    assert tuple(game["main_market"]["odds"].values()) == odds
    assert game["time"] == time


def test_the_same_misreads_on_a_text_layer_are_left_alone() -> None:
    # A text layer prints what it means: "16h1S" is no time there, and "$32" no price.
    rows: list[Cells] = [
        [("16h1S", None), ("Metz - Brest", None), ("4.26", None), ("$32", None), ("7.32", None)]
    ]
    games = extract_games([_page(rows)], today=TODAY)
    assert not games or games[0]["time"] is None


def test_debris_before_the_names_is_dropped() -> None:
    row = _ocr("20h45", "= 9926 ~—s Santa Clara vs CD Tondela", "2.78", "2.84", "6.21")
    [game] = extract_games([_page([row])], today=TODAY)
    assert (game["home_team"], game["away_team"]) == ("Santa Clara", "Tondela")


@pytest.mark.parametrize(
    ("printed", "league", "canonical"),
    [
        ("1. FC Kdin", "Bundesliga", "Köln"),
        ("Kéin", "Bundesliga", "Köln"),
        ("Paris FG", "Ligue 1", "Paris FC"),
        ("Barga", "La Liga", "Barcelona"),
        ("Bentica", "Serie A", "Benfica"),
    ],
)
def test_ocr_lookalike_letters_reach_the_club(printed: str, league: str, canonical: str) -> None:
    assert normalize(printed, league=league, ocr=True).canonical == canonical
    # Only for OCR'd names: printed so on a text layer, the name is no club we know.
    assert not normalize(printed, league=league).matched


def test_a_lookalike_shape_shared_by_two_clubs_matches_neither() -> None:
    assert not normalize("Xqzv", ocr=True).matched
