"""Password hashing and policy, API key format, rate-limit windows and PII masking."""

from __future__ import annotations

from typing import Any

import pytest

from paperlane.auth import apikeys, passwords
from paperlane.auth.masking import masked
from paperlane.auth.ratelimit import FixedWindowLimiter
from paperlane.errors import InvalidRequest


def test_passwords_are_salted_scrypt_hashes_that_verify() -> None:
    first = passwords.hash_password("correct horse battery")
    second = passwords.hash_password("correct horse battery")
    assert first != second and first.startswith("scrypt$")
    assert "correct horse" not in first
    assert passwords.verify_password("correct horse battery", first)
    assert not passwords.verify_password("correct horse batterY", first)
    assert not passwords.verify_password("anything", "md5$deadbeef")
    assert not passwords.verify_password("anything", "scrypt$garbage")


@pytest.mark.parametrize("weak", ["short", "a" * 20, "x" * 300])
def test_weak_passwords_are_refused_with_a_reason(weak: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        passwords.check_policy(weak)
    assert "password" in caught.value.message


def test_api_keys_are_shown_once_and_stored_as_a_hash() -> None:
    key_id, full, digest = apikeys.generate()
    parsed = apikeys.parse(full)
    assert parsed is not None and parsed[0] == key_id
    assert parsed[1] not in digest and apikeys.matches(parsed[1], digest)
    assert not apikeys.matches(parsed[1] + "x", digest)
    assert apikeys.parse("pl_nothex_secret") is None
    assert key_id in apikeys.display(key_id) and parsed[1] not in apikeys.display(key_id)


def test_fixed_window_limits_then_resets() -> None:
    now = [1_000_000.0]
    limiter = FixedWindowLimiter(window=60, now=lambda: now[0])
    quotas = [limiter.hit("u", 3) for _ in range(4)]
    assert [q.allowed for q in quotas] == [True, True, True, False]
    assert [q.remaining for q in quotas] == [2, 1, 0, 0]
    assert quotas[-1].headers()["X-RateLimit-Limit"] == "3"
    assert "Retry-After" in quotas[-1].headers() and "Retry-After" not in quotas[0].headers()
    assert limiter.hit("someone-else", 3).allowed
    now[0] += 60
    assert limiter.hit("u", 3).allowed


def test_identity_numbers_are_masked_wherever_they_sit() -> None:
    record: dict[str, Any] = {
        "record": {
            "buyers": [{"name": "A", "aadhaar_number": "288428797116", "pan_card_number": "BQXPG0379P"}],
            "property": {"pincode": "560007"},
        }
    }
    out = masked(record)
    buyer = out["record"]["buyers"][0]
    assert buyer["aadhaar_number"] == "XXXXXXXX7116" and buyer["pan_card_number"] == "XXXXXX379P"
    assert buyer["name"] == "A" and out["record"]["property"]["pincode"] == "560007"
    assert record["record"]["buyers"][0]["aadhaar_number"] == "288428797116", "the input is untouched"


@pytest.mark.parametrize(
    ("key", "identity"),
    [
        ("aadhaar_no", True),
        ("AadharNumber", True),
        ("panCardNumber", True),
        ("PAN", True),
        ("buyer_uid", True),
        ("buyers[0].aadhaar_number", True),
        ("company", False),
        ("span", False),
        ("guid", False),
        ("expanded", False),
    ],
)
def test_identity_fields_are_known_by_the_words_of_their_names(key: str, identity: bool) -> None:
    # A wrong check digit: no Aadhaar to the free-text rule, so only the key can have it masked.
    assert (masked({key: "288428797117"})[key] == "XXXXXXXX7117") is identity


def test_identity_numbers_in_free_text_are_masked_in_their_printed_shape() -> None:
    text = "Aadhaar 2884 2879 7116 / 2884-2879-7116 / 288428797116, PAN BQXPG0379P, UTR 123456789012."
    assert masked({"text": text})["text"] == (
        "Aadhaar XXXX XXXX 7116 / XXXX-XXXX-7116 / XXXXXXXX7116, PAN XXXXXX379P, UTR 123456789012."
    )
    # Under an identity key: masked whole, numbers too; a value without digits holds no number; a
    # "fields" entry named after an identity path keeps its own keys' values.
    out = masked({"uid": 288428797116, "aadhaar": "not given", "buyers[0].pan": {"source": "rules"}})
    assert out == {"uid": "XXXXXXXX7116", "aadhaar": "not given", "buyers[0].pan": {"source": "rules"}}
