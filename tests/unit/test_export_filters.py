"""Export parameters: download types, batches, dates, index windows and file names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from paperlane.errors import InvalidRequest
from paperlane.export.filters import ExportFilter, ExportQuery, filename, parse
from paperlane.export.layouts import layout_for
from paperlane.jobs import Batch


def _parse(**params: Any) -> ExportFilter:
    return parse(ExportQuery.model_validate(params))


def test_download_type_is_inferred_from_the_parameters() -> None:
    assert _parse(profile="generic").download_type == "all"
    assert _parse(batch_ids="b-abcdef12, b-123456ab,").batch_ids == ("b-abcdef12", "b-123456ab")
    assert _parse(batch_names="November").download_type == "batch"
    f = _parse(start_date="2025-01-01", end_date="2025-01-31")
    assert f.download_type == "dateRange" and f.end_date == dt.date(2025, 1, 31)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"download_type": "batch"}, "needs batch_ids or batch_names"),
        ({"download_type": "all", "batch_ids": "b-abcdef12"}, "apply to download_type=batch"),
        ({"download_type": "dateRange", "start_date": "2025-01-01"}, "needs both start_date and end_date"),
        ({"batch_ids": "b-abcdef12", "start_date": "2025-01-01"}, "apply to download_type=dateRange"),
        ({"start_date": "2025-02-01", "end_date": "2025-01-01"}, "is before start_date"),
        ({"start_index": 5, "end_index": 5}, "must be greater than start_index"),
        ({"batch_ids": "42"}, "is not a batch id"),
    ],
)
def test_inconsistent_parameters_are_invalid_requests(params: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        _parse(**params)


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-13-01"},
        {"start_index": -1},
        {"end_index": 0},
        {"download_type": "month"},
        {"x": 1},
    ],
)
def test_malformed_parameters_fail_validation(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ExportQuery.model_validate(params)


def test_unknown_profile_names_the_available_ones() -> None:
    with pytest.raises(InvalidRequest, match="sale_deed"):
        layout_for("invoices")
    assert layout_for("sale_deed").sheets[0].name == "Sale_Deeds"


def _batch(name: str | None, batch_id: str = "b-abcdef12") -> Batch:
    return Batch(batch_id=batch_id, name=name, profile="sale_deed")


def test_filenames() -> None:
    assert filename(_parse(), [], "xlsx") == "whole_data.xlsx"
    assert filename(_parse(batch_ids="b-abcdef12"), [_batch("Nov deeds")], "csv") == "Nov_deeds.csv"
    assert filename(_parse(batch_ids="b-abcdef12"), [_batch(None)], "xlsx") == "b-abcdef12.xlsx"


def test_batch_names_are_made_safe_for_file_names() -> None:
    one = _parse(batch_ids="b-abcdef12")
    assert filename(one, [_batch('Año 2025/March "deeds"')], "xlsx") == "Ano_2025_March_deeds.xlsx"
    assert filename(one, [_batch("../../etc/passwd")], "csv") == "etc_passwd.csv"
    # Nothing left of the name (no ASCII letters): the batch id names the file.
    assert filename(one, [_batch("कागज़")], "xlsx") == "b-abcdef12.xlsx"
    assert filename(one, [_batch("x" * 300)], "csv") == "x" * 100 + ".csv"


def test_other_filenames() -> None:
    two = [_batch("a"), _batch("b", "b-bbbbbb12")]
    assert filename(_parse(batch_names="a,b"), two, "json") == "multiple_batches_2.ndjson"
    dates = _parse(start_date="2025-01-01", end_date="2025-01-31")
    assert filename(dates, [], "xlsx") == "2025-01-01_to_2025-01-31.xlsx"
