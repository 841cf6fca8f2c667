"""Per-caller request limits in fixed one-minute windows.

Two counters with one behaviour: ``FixedWindowLimiter`` counts in the process (the local stack,
``RATE_LIMIT_BACKEND=memory``); ``paperlane.storage.ratelimit.DynamoWindowLimiter`` counts in a
DynamoDB table (AWS, ``dynamodb``), where each request may land on another Lambda container.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from pydantic import BaseModel

from paperlane.auth.roles import Principal
from paperlane.config import AuthSettings

WINDOW_SECONDS = 60


class Quota(BaseModel):
    allowed: bool
    limit: int
    remaining: int
    # Epoch seconds when the window resets.
    reset: int
    # Seconds from the request to the reset (Retry-After when refused).
    retry_after: int

    @classmethod
    def of(cls, *, allowed: bool, limit: int, count: int, start: int, window: int, now: float) -> Quota:
        reset = start + window
        return cls(
            allowed=allowed,
            limit=limit,
            remaining=max(0, limit - count),
            reset=reset,
            retry_after=max(1, reset - math.floor(now)),
        )

    def headers(self) -> dict[str, str]:
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.retry_after)
        return out


class Limiter(Protocol):
    def hit(self, key: str, limit: int) -> Quota | None:
        """Count one request against ``key``'s window; None when the count is unavailable (the
        request then goes through: failing open beats refusing everyone)."""


def window_start(now: float, window: int) -> int:
    return int(now // window) * window


class FixedWindowLimiter:
    def __init__(self, window: int = WINDOW_SECONDS, now: Callable[[], float] = time.time) -> None:
        self._window = window
        self._now = now
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, limit: int) -> Quota:
        now = self._now()
        start = window_start(now, self._window)
        with self._lock:
            window, count = self._counts.get(key, (start, 0))
            if window != start:
                window, count = start, 0
            allowed = count < limit
            if allowed:
                count += 1
            self._counts[key] = (window, count)
            if len(self._counts) > 50_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == start}
        return Quota.of(allowed=allowed, limit=limit, count=count, start=start, window=self._window, now=now)


def limit_for(principal: Principal | None, settings: AuthSettings) -> tuple[str, int]:
    """(the bucket's kind, its per-minute limit) for a caller."""
    if principal is None:
        return "anonymous", settings.rate_limit_anonymous
    if principal.is_admin:
        return "admin", settings.rate_limit_admin
    return "authenticated", settings.rate_limit_authenticated
