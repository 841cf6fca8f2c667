"""Password hashing with stdlib scrypt: slow on purpose, salted, parameters stored with the hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from paperlane.errors import InvalidRequest

# n=2**15, r=8: ~32 MiB and ~60 ms per hash on a Lambda core. Stored with the hash, so raising it later
# keeps old hashes verifiable.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 12
MAX_LENGTH = 256


def check_policy(password: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidRequest(f"A password must be {MIN_LENGTH} to {MAX_LENGTH} characters long.")
    if len(set(password)) < 5:
        raise InvalidRequest("This password is too easy to guess: use more different characters.")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest + "==")
        actual = _scrypt(password, base64.urlsafe_b64decode(salt + "=="), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def dummy_verify(password: str) -> None:
    """Spend a hash's time for an unknown user, so response times do not reveal which names exist."""
    verify_password(password, _DUMMY)


def generate_password() -> str:
    return secrets.token_urlsafe(18)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_DUMMY = f"scrypt${_N}${_R}${_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"
