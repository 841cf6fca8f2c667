"""A circuit breaker in front of the LLM backend, with its state behind a small store interface.

After ``threshold`` consecutive backend failures (throttling, 5xx, timeouts, connection errors: not
rejected output, which says nothing about the backend's health) the breaker opens for ``cooldown``
seconds. While open, calls raise ``ModelUnavailable`` (a ``TransientError``) without reaching the
backend, so the state machine's Retry waits and tries the step again instead of failing the document.
After the cool-down calls go through again (half-open): one success closes the breaker and clears the
count, one more failure opens it again at once, since the count is still at the threshold.

State lives in a ``BreakerStore``. ``InMemoryBreakerStore`` serves one process (and tests).
``DynamoDbBreakerStore(client, table)`` shares the state among every Lambda of a deployment, in one
item per breaker::

    {"pk": "breaker#<name>", "failures": <int>, "opened_until": <epoch seconds>, "updated_at": <ISO 8601>}

The table needs only a string partition key; its name is ``key_attribute`` ("pk" unless told), and the
table must have no sort key. Failures are counted with an atomic ``ADD``, so concurrent functions never
lose a count. The breaker is named after the backend ("bedrock", "openai") unless told otherwise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from paperlane import clock
from paperlane.errors import ModelUnavailable
from paperlane.observability import logger


@dataclass(frozen=True)
class BreakerState:
    failures: int = 0
    # Epoch seconds until which the breaker is open; 0: closed.
    opened_until: float = 0.0


class BreakerStore(Protocol):
    def get(self, name: str) -> BreakerState: ...

    def add_failure(self, name: str) -> int:
        """Count one more consecutive failure; return the new count."""
        ...

    def open(self, name: str, until: float) -> None: ...

    def reset(self, name: str) -> None: ...


class InMemoryBreakerStore:
    def __init__(self) -> None:
        self._states: dict[str, BreakerState] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> BreakerState:
        with self._lock:
            return self._states.get(name, BreakerState())

    def add_failure(self, name: str) -> int:
        with self._lock:
            state = self._states.get(name, BreakerState())
            self._states[name] = BreakerState(state.failures + 1, state.opened_until)
            return state.failures + 1

    def open(self, name: str, until: float) -> None:
        with self._lock:
            state = self._states.get(name, BreakerState())
            self._states[name] = BreakerState(state.failures, until)

    def reset(self, name: str) -> None:
        with self._lock:
            self._states.pop(name, None)


class DynamoDbBreakerStore:
    """Breaker state in a DynamoDB table (item layout in the module docstring).

    ``client`` is a boto3 DynamoDB client (low-level, typed ``Any``: no stubs needed).
    """

    def __init__(self, client: Any, table: str, *, key_attribute: str = "pk") -> None:
        self._client = client
        self._table = table
        self._key_attribute = key_attribute

    def _key(self, name: str) -> dict[str, Any]:
        return {self._key_attribute: {"S": f"breaker#{name}"}}

    def get(self, name: str) -> BreakerState:
        item = self._client.get_item(TableName=self._table, Key=self._key(name), ConsistentRead=True).get(
            "Item"
        )
        if not item:
            return BreakerState()
        return BreakerState(
            failures=int(item.get("failures", {}).get("N", "0")),
            opened_until=float(item.get("opened_until", {}).get("N", "0")),
        )

    def add_failure(self, name: str) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key=self._key(name),
            UpdateExpression="ADD failures :one SET updated_at = :now",
            ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"S": clock.iso()}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["failures"]["N"])

    def open(self, name: str, until: float) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=self._key(name),
            UpdateExpression="SET opened_until = :until, updated_at = :now",
            ExpressionAttributeValues={
                ":until": {"N": str(Decimal(str(round(until, 3))))},
                ":now": {"S": clock.iso()},
            },
        )

    def reset(self, name: str) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=self._key(name),
            UpdateExpression="SET failures = :zero, opened_until = :zero, updated_at = :now",
            ExpressionAttributeValues={":zero": {"N": "0"}, ":now": {"S": clock.iso()}},
        )


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        store: BreakerStore,
        *,
        threshold: int = 5,
        cooldown: float = 60.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.name = name
        self.threshold = threshold
        self.cooldown = cooldown
        self._store = store
        self._now = now
        self._failures_seen = 0

    def before_call(self) -> None:
        """Raise ``ModelUnavailable`` while the breaker is open."""
        state = self._store.get(self.name)
        self._failures_seen = state.failures
        remaining = state.opened_until - self._now()
        if remaining > 0:
            raise ModelUnavailable(
                f"The {self.name} model backend is unavailable (circuit breaker open after "
                f"{state.failures} consecutive failures); retry in {remaining:.0f} s.",
                details={"backend": self.name, "retry_after_seconds": round(remaining, 1)},
            )

    def record_success(self) -> None:
        if self._failures_seen:
            self._store.reset(self.name)
            self._failures_seen = 0

    def record_failure(self) -> bool:
        """Count a failure; True when the breaker is open now (further calls would be refused)."""
        failures = self._store.add_failure(self.name)
        self._failures_seen = failures
        if failures >= self.threshold:
            self._store.open(self.name, self._now() + self.cooldown)
            logger.warning(
                "LLM circuit breaker opened",
                extra={"backend": self.name, "failures": failures, "cooldown_seconds": self.cooldown},
            )
            return True
        return False
