"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the webhook's secret.

Headers on every delivery:

- ``X-Paperlane-Timestamp``: when this attempt was signed, epoch seconds;
- ``X-Signature-256``: ``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``.

The timestamp is signed with the body so a captured request cannot be replayed later: receivers
refuse signatures older than a few minutes (``verify_signature``'s ``tolerance``). A receiver in
Python can use this module as is; elsewhere, recompute the HMAC over the raw body bytes and compare
in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Signature-256"
TIMESTAMP_HEADER = "X-Paperlane-Timestamp"
EVENT_HEADER = "X-Paperlane-Event"
DELIVERY_HEADER = "X-Paperlane-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300


def generate_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def sign_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify_signature(
    secret: str,
    timestamp: int | str,
    body: bytes,
    header: str | None,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    *,
    now: float | None = None,
) -> bool:
    """True when ``header`` (X-Signature-256) signs this body and timestamp, and the timestamp is
    within ``tolerance`` seconds of now (either way: clocks drift)."""
    if not header or not header.startswith("sha256="):
        return False
    try:
        stamp = int(str(timestamp).strip())
    except ValueError:
        return False
    current = now if now is not None else time.time()
    if abs(current - stamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), header.strip())
