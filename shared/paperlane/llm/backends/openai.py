"""Any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server, OpenAI) through httpx.

``POST {base_url}/chat/completions`` with ``response_format: {"type": "json_schema", ...}``. A server that
refuses ``json_schema`` (HTTP 400/422) is asked again with ``{"type": "json_object"}`` and the schema in
the system prompt, and this backend remembers to use ``json_object`` from then on. An API key, when
configured, goes in ``Authorization: Bearer``; it is never logged.

HTTP 429 and 503 are throttling (``Retry-After`` honoured), other 5xx, 408 and transport errors are
unavailability; other 4xx are rejections.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from paperlane.llm.backends.base import (
    TRUNCATED,
    BackendRejected,
    BackendThrottled,
    BackendUnavailable,
    ModelReply,
    ModelRequest,
    parse_json_answer,
)
from paperlane.llm.chunking import estimate_tokens


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class OpenAICompatibleBackend:
    name = "openai"

    def __init__(
        self,
        base_url: str,
        model_id: str,
        *,
        api_key: str | None = None,
        client: httpx.Client | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.model_id = model_id
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0))
        self.json_schema_supported = True

    def close(self) -> None:
        self._client.close()

    def _body(self, request: ModelRequest, *, json_schema: bool) -> dict[str, Any]:
        if json_schema:
            system = (
                f"{request.system}\n\nAnswer with one JSON object matching the schema {request.schema_name}."
            )
            response_format: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": dict(request.schema), "strict": False},
            }
        else:
            schema = json.dumps(request.schema, ensure_ascii=False)
            system = (
                f"{request.system}\n\nAnswer with one JSON object, and nothing else, that matches this "
                f"JSON schema:\n{schema}"
            )
            response_format = {"type": "json_object"}
        return {
            "model": self.model_id,
            "messages": [
                {"role": "system", "content": system},
                *({"role": m.role, "content": m.text} for m in request.messages),
            ],
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "response_format": response_format,
            "stream": False,
        }

    def _post(self, body: dict[str, Any]) -> httpx.Response:
        try:
            return self._client.post(self._url, json=body, headers=self._headers)
        except httpx.TransportError as exc:
            raise BackendUnavailable(type(exc).__name__) from None

    def complete(self, request: ModelRequest) -> ModelReply:
        started = time.perf_counter()
        response = self._post(self._body(request, json_schema=self.json_schema_supported))
        if response.status_code in (400, 422) and self.json_schema_supported:
            fallback = self._post(self._body(request, json_schema=False))
            if fallback.status_code < 400:
                self.json_schema_supported = False
            response = fallback
        self._raise_for_status(response)
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            data = response.json()
            choice = data["choices"][0]
            text = choice.get("message", {}).get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            # A 2xx that is not a chat completion: a proxy's page, a server mid-restart.
            raise BackendUnavailable("malformed_response") from None
        finish_reason = str(choice.get("finish_reason") or "")
        output, parse_error = parse_json_answer(text)
        if finish_reason == "length":
            output, parse_error = None, TRUNCATED
        usage = data.get("usage") or {}
        input_tokens = usage.get("prompt_tokens")
        output_tokens = usage.get("completion_tokens")
        return ModelReply(
            output=output,
            raw=text,
            parse_error=parse_error,
            # Servers that report no usage get an estimate, so budgets and logs still see a number.
            input_tokens=int(input_tokens) if input_tokens is not None else self._estimate_input(request),
            output_tokens=int(output_tokens) if output_tokens is not None else estimate_tokens(text),
            stop_reason=finish_reason,
            latency_ms=latency_ms,
        )

    @staticmethod
    def _estimate_input(request: ModelRequest) -> int:
        return estimate_tokens(request.system) + sum(estimate_tokens(m.text) for m in request.messages)

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        code = f"HTTP {status}"
        if status in (429, 503):
            raise BackendThrottled(code, retry_after=retry_after_seconds(response.headers.get("retry-after")))
        if status >= 500 or status == 408:
            raise BackendUnavailable(code)
        raise BackendRejected(code)
