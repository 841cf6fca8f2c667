"""The JWT signing keys: one active key, plus retired keys still accepted for a grace period.

Stored as JSON ``{"active": kid, "keys": [{kid, secret, created_at, retired_at}]}``: in Secrets Manager
on AWS, in a file outside the repository locally. The template's generated secret has the one-key
shape ``{"kid": ..., "secret": ...}``, which reads as a ring of one.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from paperlane import aws, clock
from paperlane.config import AuthSettings
from paperlane.errors import PaperlaneError

# A rotation reaches running Lambdas within this many seconds.
_CACHE_SECONDS = 300


class KeyringError(PaperlaneError):
    code = "AUTH_MISCONFIGURED"
    http_status = 500


class SigningKey(BaseModel):
    kid: str = Field(min_length=1, max_length=64)
    # HS256 wants at least 256 bits of key.
    secret: str = Field(min_length=32, repr=False)
    created_at: str | None = None
    retired_at: str | None = None


class KeyRing(BaseModel):
    active: str
    keys: list[SigningKey] = Field(min_length=1)

    @classmethod
    def parse(cls, raw: str) -> KeyRing:
        try:
            data: dict[str, Any] = json.loads(raw)
            if "keys" not in data:
                key = SigningKey.model_validate(data)
                return cls(active=key.kid, keys=[key])
            ring = cls.model_validate(data)
        except (ValueError, ValidationError) as exc:
            raise KeyringError("The JWT signing keys are not valid JSON in the expected shape.") from exc
        if ring.find(ring.active) is None:
            raise KeyringError("The JWT key ring names an active key it does not hold.")
        return ring

    @classmethod
    def generate(cls) -> KeyRing:
        key = _new_key(clock.iso())
        return cls(active=key.kid, keys=[key])

    def find(self, kid: str) -> SigningKey | None:
        return next((k for k in self.keys if k.kid == kid), None)

    def signing_key(self) -> SigningKey:
        key = self.find(self.active)
        assert key is not None  # parse() guarantees it
        return key

    def verification_key(self, kid: str, *, now: datetime, grace_seconds: int) -> SigningKey | None:
        """The key for ``kid`` if tokens signed with it are still accepted."""
        key = self.find(kid)
        if key is None or key.retired_at is None:
            return key
        return key if now < clock.parse(key.retired_at) + timedelta(seconds=grace_seconds) else None

    def rotate(self, *, now: datetime, grace_seconds: int) -> KeyRing:
        """A new active key; the old one retires (accepted for the grace period); long-retired keys go."""
        stamp = clock.iso(now)
        kept = [
            k if k.kid != self.active else k.model_copy(update={"retired_at": stamp})
            for k in self.keys
            if k.retired_at is None or now < clock.parse(k.retired_at) + timedelta(seconds=grace_seconds)
        ]
        new = _new_key(stamp)
        return KeyRing(active=new.kid, keys=[*kept, new])

    def dumps(self) -> str:
        return self.model_dump_json(indent=2)


def _new_key(stamp: str) -> SigningKey:
    return SigningKey(kid=f"k{secrets.token_hex(4)}", secret=secrets.token_urlsafe(48), created_at=stamp)


# ---------------------------------------------------------------------------- where the ring lives


_lock = threading.Lock()
_cache: dict[str, tuple[float, KeyRing]] = {}


def load(settings: AuthSettings) -> KeyRing:
    source = settings.jwt_keys_file or settings.jwt_secret_arn
    if not source:
        raise KeyringError("No JWT keys configured: set JWT_SECRET_ARN (AWS) or JWT_KEYS_FILE (local).")
    with _lock:
        hit = _cache.get(source)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
        ring = _read_file(Path(settings.jwt_keys_file)) if settings.jwt_keys_file else _read_secret(source)
        _cache[source] = (time.monotonic(), ring)
        return ring


def forget() -> None:
    """Drop cached rings (after a rotation in this process, and between tests)."""
    with _lock:
        _cache.clear()


def _read_file(path: Path) -> KeyRing:
    if not path.exists():
        write_file(path, KeyRing.generate())
    return KeyRing.parse(path.read_text(encoding="utf-8"))


def write_file(path: Path, ring: KeyRing) -> None:
    """Write the ring readable by its owner only (created 0600, never world-readable in between)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.dumps())
    tmp.replace(path)


def _read_secret(arn: str) -> KeyRing:
    resp = aws.client("secretsmanager").get_secret_value(SecretId=arn)
    return KeyRing.parse(resp["SecretString"])


def rotate(settings: AuthSettings) -> KeyRing:
    """Rotate where the ring lives (file or secret) and return the new ring."""
    ring = load(settings).rotate(now=clock.now(), grace_seconds=settings.jwt_key_grace_seconds)
    if settings.jwt_keys_file:
        write_file(Path(settings.jwt_keys_file), ring)
    else:
        aws.client("secretsmanager").put_secret_value(
            SecretId=settings.jwt_secret_arn, SecretString=ring.dumps()
        )
    forget()
    return ring
