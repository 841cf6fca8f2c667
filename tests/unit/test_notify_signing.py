"""Webhook signatures, URL checks and delivery classification."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket

import pytest

from paperlane.notify.delivery import Delivery, Outcome, backoff, classify
from paperlane.notify.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    generate_secret,
    sign_headers,
    signature,
    verify_signature,
)
from paperlane.notify.webhooks import WebhookEvent, validate_url, webhook_id_for

SECRET = "a-shared-secret-of-some-length"
BODY = b'{"event":"processing_completed","data":{}}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1795341608." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1795341608, BODY) == f"sha256={expected}"
    headers = sign_headers(SECRET, BODY, now=1795341608.9)
    assert headers == {TIMESTAMP_HEADER: "1795341608", SIGNATURE_HEADER: f"sha256={expected}"}


def test_verify_accepts_fresh_and_refuses_old_tampered_or_foreign() -> None:
    header = signature(SECRET, 1000, BODY)
    assert verify_signature(SECRET, "1000", BODY, header, now=1000)
    assert verify_signature(SECRET, 1000, BODY, header, tolerance=300, now=1299)
    assert not verify_signature(SECRET, 1000, BODY, header, tolerance=300, now=1301)  # replayed late
    assert not verify_signature(SECRET, 1000, BODY, header, tolerance=300, now=699)  # from the future
    assert not verify_signature(SECRET, 1000, BODY + b" ", header, now=1000)  # body changed
    assert not verify_signature(SECRET, 1001, BODY, header, now=1000)  # timestamp changed
    assert not verify_signature("another secret value", 1000, BODY, header, now=1000)
    assert not verify_signature(SECRET, 1000, BODY, header.removeprefix("sha256="), now=1000)
    assert not verify_signature(SECRET, 1000, BODY, None, now=1000)
    assert not verify_signature(SECRET, "soon", BODY, header, now=1000)


def test_generated_secrets_are_long_and_distinct() -> None:
    first, second = generate_secret(), generate_secret()
    assert first != second and first.startswith("whsec_") and len(first) > 40


@pytest.mark.parametrize("url", ["https://hooks.example.com/paperlane?x=1", "https://93.184.215.14/hook"])
def test_urls_accepted(url: str) -> None:
    assert validate_url(url) == url


@pytest.mark.parametrize("url", ["http://localhost:8080/hook", "http://127.0.0.1:9/x", "https://[::1]/x"])
def test_loopback_only_on_the_local_stack(url: str) -> None:
    assert validate_url(url, allow_loopback=True) == url
    with pytest.raises(ValueError, match="local stack"):
        validate_url(url)


def test_a_name_resolving_to_the_metadata_service_is_refused_at_registration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def metadata(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", metadata)
    with pytest.raises(ValueError, match="resolves to a private"):
        validate_url("https://innocent.example.net/hook")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/x", "https"),
        ("ftp://hooks.example.com/x", "https"),
        ("https://user:pw@hooks.example.com/x", "credentials"),
        ("https://token@hooks.example.com/x", "credentials"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://10.0.0.5/hook", "private"),
        ("https://[fd00::1]/hook", "private"),
        ("https:///nohost", "https"),
        ("https://hooks.example.com/x#frag", "fragment"),
    ],
)
def test_urls_refused(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        validate_url(url)


def test_webhook_id_is_a_hash_of_the_url() -> None:
    assert webhook_id_for("https://a.example/x") == hashlib.sha256(b"https://a.example/x").hexdigest()[:32]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (301, Outcome.FAILED),
        (400, Outcome.FAILED),
        (404, Outcome.FAILED),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
    ],
)
def test_classification(status: int, outcome: Outcome) -> None:
    assert classify(status) is outcome


def test_backoff_doubles_respects_retry_after_and_caps() -> None:
    assert [backoff(n, 30) for n in range(1, 7)] == [30, 60, 120, 240, 480, 900]
    assert backoff(1, 30, retry_after=120) == 120
    assert backoff(1, 30, retry_after=5000) == 900


def test_payload_is_stable_across_attempts() -> None:
    first = Delivery(webhook_id="w" * 32, event=WebhookEvent.PROCESSING_FAILED, data={"job_id": "j"})
    again = first.model_copy(update={"attempt": 3})
    assert first.body() == again.body()
    assert json.loads(first.body()) == {
        "event": "processing_failed",
        "timestamp": first.timestamp,
        "data": {"job_id": "j"},
        "delivery_id": first.delivery_id,
    }
