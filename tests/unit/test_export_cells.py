"""Cell values: text never becomes a formula, numbers and dates become real ones."""

from __future__ import annotations

import datetime as dt

import pytest

from paperlane.export import cells
from paperlane.export.documents_xlsx import safe_cell as legacy_safe_cell


@pytest.mark.parametrize("text", ["=1+2", "+33", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert cells.safe_text(text) == "'" + text
    assert cells.safe_cell(text) == "'" + text


def test_plain_text_and_other_types_pass_through() -> None:
    assert cells.safe_text("Sunrise Residency") == "Sunrise Residency"
    assert cells.safe_cell(12.5) == 12.5
    assert cells.safe_cell(None) is None


def test_long_text_fits_one_cell_even_with_the_prefix_and_control_characters_go() -> None:
    assert len(cells.safe_text("=" + "x" * 40_000)) == cells.MAX_CELL
    assert cells.safe_text("a\x00b\x1fc\nd") == "abc\nd"


def test_documents_workbook_shares_the_same_safe_cell() -> None:
    assert legacy_safe_cell is cells.safe_cell


def test_numbers_dates_and_times() -> None:
    assert cells.number(1035.0) == 1035.0
    assert cells.number("1,03,500") == 103500
    assert cells.number("10.5") == 10.5
    assert cells.number("n/a") == "n/a"
    assert cells.number(None) is None and cells.number("") is None
    assert cells.date("2025-03-14") == dt.date(2025, 3, 14)
    assert cells.date("2025-03-14T10:00:00.000Z") == dt.date(2025, 3, 14)
    assert cells.date("14.03.2025") == "14.03.2025"
    assert cells.time("17:30") == dt.time(17, 30)
    assert cells.time("late") == "late"
