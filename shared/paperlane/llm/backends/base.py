"""What every backend takes and gives back, and the three ways a call can fail.

Backends only talk to a model: they neither retry, nor validate, nor log document text. They translate
their transport's failures into ``BackendThrottled`` / ``BackendUnavailable`` (worth a retry, counted by
the circuit breaker) or ``BackendRejected`` (a retry will not help).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class ModelRequest:
    system: str
    # Starts with a user message and alternates (Bedrock requires it).
    messages: tuple[Message, ...]
    schema: Mapping[str, Any]
    schema_name: str
    max_tokens: int
    temperature: float


@dataclass(frozen=True)
class ModelReply:
    # The parsed answer (any JSON value), or None when ``parse_error`` says why there is none.
    output: Any
    # The answer as text, to show the model what it said when asking it to correct itself.
    raw: str
    parse_error: str | None
    input_tokens: int
    output_tokens: int
    stop_reason: str
    latency_ms: float


class BackendError(Exception):
    """A failed call. ``code`` is the backend's own error code or HTTP status, safe to log."""

    transient = True

    def __init__(self, code: str, *, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


class BackendThrottled(BackendError):
    """Too many requests (Bedrock ThrottlingException, HTTP 429/503)."""


class BackendUnavailable(BackendError):
    """A 5xx, a timeout, a lost connection, a model not ready yet."""


class BackendRejected(BackendError):
    """The backend refused the request itself: auth, unknown model, invalid request."""

    transient = False


class Backend(Protocol):
    name: str
    model_id: str

    def complete(self, request: ModelRequest) -> ModelReply: ...


_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def parse_json_answer(text: str) -> tuple[Any, str | None]:
    """The JSON value in a model's text answer (a Markdown fence or prose around it is tolerated)."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body:
        return None, "the answer was empty; answer with one JSON object"
    try:
        return json.loads(body), None
    except ValueError:
        pass
    start, end = body.find("{"), body.rfind("}")
    if 0 <= start < end:
        try:
            return json.loads(body[start : end + 1]), None
        except ValueError:
            pass
    return None, "the answer was not valid JSON; answer with one JSON object and nothing else"


TRUNCATED = "the answer was cut off at the output token limit; answer again, more briefly"
