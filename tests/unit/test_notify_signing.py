"""Webhook signatures, URL checks and delivery classification."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paperlane.notify.delivery import Delivery, Outcome, backoff, classify, from_message
from paperlane.notify.egress import Address
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


def _public(host: str, port: int) -> list[Address]:
    return [ipaddress.ip_address("93.184.215.14")]


@pytest.mark.parametrize("url", ["https://hooks.example.com/paperlane?x=1", "https://93.184.215.14/hook"])
def test_urls_accepted(url: str) -> None:
    assert validate_url(url, resolver=_public) == url


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


def test_a_dlq_message_moved_back_to_the_queue_starts_its_retries_afresh() -> None:
    spent = Delivery(
        webhook_id="w" * 32, event=WebhookEvent.PROCESSING_FAILED, data={"job_id": "j"}, attempt=6
    )
    dlq_body = json.dumps({"delivery": spent.model_dump(mode="json"), "failure": {"reason": "timeout"}})
    again = from_message(dlq_body)
    assert again.attempt == 1 and again.delivery_id == spent.delivery_id and again.body() == spent.body()
    assert from_message(spent.model_dump_json()) == spent  # a plain queue message, as it is


def _readme_recipe() -> tuple[Callable[..., str], Callable[..., None]]:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```python\n(.*?)```", readme, re.DOTALL) if "def verify_webhook(" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # our own README's recipe
    return namespace["verify_webhook"], namespace["handled"]


def test_the_readme_verification_recipe_accepts_ours_once_and_refuses_the_rest() -> None:
    verify, handled = _readme_recipe()
    sent = Delivery(webhook_id="w" * 32, event=WebhookEvent.PROCESSING_COMPLETED, data={"job_id": "j"})
    body, now = sent.body(), 1_800_000_000.0
    headers = {k.lower(): v for k, v in sign_headers(SECRET, body, now=now).items()}
    headers["x-paperlane-delivery"] = sent.delivery_id
    assert verify(SECRET, headers, body, now=now + 10) == "accept"
    assert verify(SECRET, headers, body, now=now + 11) == "accept", "not handled yet (it failed): again"
    handled(sent.delivery_id, now=now + 12)
    assert verify(SECRET, headers, body, now=now + 20) == "duplicate"  # replayed within the window
    assert verify(SECRET, headers, body, now=now + 301) == "reject"  # too old
    assert verify(SECRET, headers, body, now=now - 301) == "reject"  # from too far ahead
    assert verify(SECRET, headers, body + b" ", now=now) == "reject"  # body changed
    assert verify("another secret entirely", headers, body, now=now) == "reject"
    assert verify(SECRET, {**headers, "x-signature-256": ""}, body, now=now) == "reject"
    # A retry of the same delivery: new timestamp and signature, same delivery_id.
    retry = {k.lower(): v for k, v in sign_headers(SECRET, body, now=now + 60).items()}
    assert (
        verify(SECRET, {**retry, "x-paperlane-delivery": sent.delivery_id}, body, now=now + 61) == "duplicate"
    )
    other = Delivery(webhook_id="w" * 32, event=WebhookEvent.PROCESSING_COMPLETED, data={"job_id": "k"})
    fresh = {k.lower(): v for k, v in sign_headers(SECRET, other.body(), now=now).items()}
    assert (
        verify(SECRET, {**fresh, "x-paperlane-delivery": other.delivery_id}, other.body(), now=now)
        == "accept"
    )
    # Handled ids are forgotten after twice the window (when a replay would be refused as too old).
    handled(other.delivery_id, now=now + 700)
    late = {k.lower(): v for k, v in sign_headers(SECRET, body, now=now + 700).items()}
    assert verify(SECRET, {**late, "x-paperlane-delivery": sent.delivery_id}, body, now=now + 700) == "accept"


def test_a_batch_of_silent_receivers_fits_in_the_deliver_functions_timeout() -> None:
    """Each attempt takes at most WEBHOOK_TIMEOUT_SECONDS in all, one after another: a batch of
    receivers that never answer must end before Lambda stops the function (which would retry the
    whole batch, delivering again what was delivered)."""
    from paperlane.config import NotifySettings
    from paperlane.local.template import Template

    template = Template(Path(__file__).resolve().parents[2] / "template.yaml", "us-east-1")
    function = template.of_type("AWS::Serverless::Function")["DeliverFunction"]["Properties"]
    globals_timeout = template.body.get("Globals", {}).get("Function", {}).get("Timeout", 3)
    env = template.function_environment("DeliverFunction")
    settings = NotifySettings.model_validate(env)
    batch_size = int(function["Events"]["Deliveries"]["Properties"]["BatchSize"])
    assert settings.webhook_timeout_seconds * batch_size < int(function.get("Timeout", globals_timeout))
