"""API keys for machines: ``pl_<key_id>_<secret>``. Only a hash of the secret is stored.

The secret is 256 random bits, so a fast hash (SHA-256) is enough: slow KDFs protect guessable
passwords, and would only slow every machine request. The key id makes lookup a single GetItem.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PREFIX = "pl"
_FORMAT = re.compile(r"^pl_([0-9a-f]{16})_([A-Za-z0-9_-]{40,})$")


def generate() -> tuple[str, str, str]:
    """A new key: (key_id, the full key to show once, the hash to store)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, f"{PREFIX}_{key_id}_{secret}", digest(secret)


def parse(key: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    match = _FORMAT.match(key.strip())
    return (match.group(1), match.group(2)) if match else None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


def display(key_id: str) -> str:
    """How a key is shown after creation: enough to recognise it, nothing to use."""
    return f"{PREFIX}_{key_id}_…"
