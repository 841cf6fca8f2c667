from __future__ import annotations

import pytest

from paperlane.errors import InvalidRequest
from paperlane.storage.dynamo import decode_cursor, encode_cursor, from_item, to_item


def test_cursor_round_trip() -> None:
    key = to_item({"job_id": "abc", "status": "queued", "created_at": "2026-11-22T00:00:00.000Z"})
    cursor = encode_cursor(key)
    assert cursor and "=" not in cursor
    assert decode_cursor(cursor) == key


@pytest.mark.parametrize("bad", ["not-base64!!", "e30", "WzEsMl0", "eyJhIjogeyJiIjogMX19"])
def test_bad_cursor_is_a_clear_error(bad: str) -> None:
    with pytest.raises(InvalidRequest, match="cursor"):
        decode_cursor(bad)


def test_items_round_trip_with_numbers_and_no_nulls() -> None:
    item = to_item({"a": 1, "b": 2.5, "c": None, "d": {"e": [1, "x"]}})
    assert "c" not in item
    assert from_item(item) == {"a": 1, "b": 2.5, "d": {"e": [1, "x"]}}
