"""The OpenAI-compatible backend against a fake chat-completions server on 127.0.0.1 that records requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from paperlane.config import LlmSettings
from paperlane.errors import ExtractionFailed, LlmNotConfigured, LlmRequestRejected, ModelUnavailable
from paperlane.llm import ExtractionTask, InMemoryBreakerStore
from paperlane.llm.extractor import Extractor
from paperlane.llm.factory import build_extractor

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "amount": {"type": ["number", "null"]}},
    "required": ["title", "amount"],
}
TASK = ExtractionTask(
    instructions="Extract the invoice title and its amount.", json_schema=SCHEMA, name="invoice"
)
GOOD = {"title": "Invoice 42", "amount": 1250.5}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeServer:
    """Answers each POST with the next scripted (status, headers, body); records every request."""

    url: str = ""
    script: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def answer(self, content: str, *, prompt_tokens: int = 100, completion_tokens: int = 20) -> None:
        self.script.append(
            (
                200,
                {},
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
                },
            )
        )

    def fail(self, status: int, headers: dict[str, str] | None = None, times: int = 1) -> None:
        for _ in range(times):
            self.script.append((status, headers or {}, {"error": {"message": "scripted failure"}}))


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                fake.requests.append(
                    Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, headers, payload = (
                    fake.script.pop(0) if fake.script else (599, {}, {"error": "unscripted"})
                )
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def extractor_for(
    server: FakeServer,
    http: httpx.Client,
    *,
    sleeps: list[float] | None = None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
    store: InMemoryBreakerStore | None = None,
    settings: dict[str, str] | None = None,
) -> Extractor:
    values = {
        "LLM_BACKEND": "openai",
        "LLM_BASE_URL": server.url,
        "LLM_MODEL_ID": "llama3.1:8b",
        **(settings or {}),
    }
    return build_extractor(
        LlmSettings.model_validate(values),
        http_client=http,
        env=env or {},
        breaker_store=store or InMemoryBreakerStore(),
        sleep=(sleeps if sleeps is not None else []).append,
        now=clock or Clock(),
    )


def test_json_output_is_the_record_and_the_schema_is_sent_as_response_format(
    server: FakeServer, http: httpx.Client
) -> None:
    server.answer(json.dumps(GOOD), prompt_tokens=321, completion_tokens=45)
    result = extractor_for(server, http).extract_text(TASK, "INVOICE 42, total 1,250.50")

    assert result.data == GOOD
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "llama3.1:8b"
    assert request.body["temperature"] == 0.0
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
    assert "total 1,250.50" in request.body["messages"][1]["content"]
    assert "authorization" not in request.headers
    # A local model has no price: tokens are counted, the cost is 0 and says so.
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.calls) == (321, 45, 1)
    assert result.usage.cost_usd == 0 and result.usage.unpriced_calls == 1


def test_a_non_json_answer_is_asked_again_with_the_error(server: FakeServer, http: httpx.Client) -> None:
    server.answer("Sure! The invoice is number 42 and costs 1250.50.")
    server.answer(f"```json\n{json.dumps(GOOD)}\n```")
    result = extractor_for(server, http).extract_text(TASK, "INVOICE 42")

    assert result.data == GOOD
    assert len(server.requests) == 2
    retry = server.requests[1].body["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[2]["content"].startswith("Sure!")
    assert "not valid JSON" in retry[3]["content"]
    assert result.rejected_answers == 1 and result.usage.calls == 2


@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        ({"title": "Invoice 42"}, "'amount' is required"),
        (["Invoice 42", 1250.5], "must be a JSON object"),
        ({"title": 42, "amount": 1.0}, "$.title: expected string"),
    ],
)
def test_json_that_violates_the_schema_is_rejected_and_asked_again_with_the_error(
    server: FakeServer, http: httpx.Client, bad: Any, complaint: str
) -> None:
    server.answer(json.dumps(bad), prompt_tokens=900, completion_tokens=50)
    server.answer(json.dumps(GOOD), prompt_tokens=1100, completion_tokens=60)
    result = extractor_for(server, http).extract_text(TASK, "INVOICE 42")

    assert result.data == GOOD
    assert result.rejected_answers == 1 and len(server.requests) == 2
    first, retry = (r.body["messages"] for r in server.requests)
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[1] == first[1] and json.loads(retry[2]["content"]) == bad
    assert complaint in retry[3]["content"]
    # Both answers were paid for, and are counted.
    assert (result.usage.calls, result.usage.input_tokens, result.usage.output_tokens) == (2, 2000, 110)
    assert [c.accepted for c in result.calls] == [False, True]


def test_json_that_stays_invalid_fails_the_extraction_after_max_attempts(
    server: FakeServer, http: httpx.Client
) -> None:
    for _ in range(3):
        server.answer(json.dumps({"title": "Invoice 42"}))
    with pytest.raises(ExtractionFailed, match="no valid answer in 3 attempts"):
        extractor_for(server, http).extract_text(TASK, "INVOICE 42")
    assert len(server.requests) == 3


def test_429_waits_for_retry_after_then_succeeds(server: FakeServer, http: httpx.Client) -> None:
    sleeps: list[float] = []
    server.fail(429, {"Retry-After": "2"})
    server.fail(503, {"Retry-After": "3"})
    server.answer(json.dumps(GOOD))
    result = extractor_for(server, http, sleeps=sleeps).extract_text(TASK, "INVOICE 42")

    assert result.data == GOOD
    assert sleeps == [2.0, 3.0]
    assert len(server.requests) == 3


def test_repeated_500s_open_the_breaker_and_then_calls_never_reach_the_server(
    server: FakeServer, http: httpx.Client
) -> None:
    clock, store, sleeps = Clock(), InMemoryBreakerStore(), list[float]()
    settings = {"LLM_BREAKER_THRESHOLD": "3", "LLM_BREAKER_COOLDOWN_SECONDS": "60", "LLM_MAX_RETRIES": "10"}
    extractor = extractor_for(server, http, sleeps=sleeps, clock=clock, store=store, settings=settings)
    server.fail(500, times=10)

    with pytest.raises(ModelUnavailable, match="circuit breaker open"):
        extractor.extract_text(TASK, "INVOICE 42")
    assert len(server.requests) == 3  # the breaker stopped the retries at its threshold
    assert len(sleeps) == 2

    # Another document, even through another extractor sharing the state: refused without a request.
    again = extractor_for(server, http, clock=clock, store=store, settings=settings)
    with pytest.raises(ModelUnavailable) as raised:
        again.extract_text(TASK, "INVOICE 43")
    assert len(server.requests) == 3
    assert raised.value.code == "MODEL_UNAVAILABLE"
    assert 0 < raised.value.details["retry_after_seconds"] <= 60

    # After the cool-down one call is let through; its success closes the breaker.
    clock.now += 61
    server.script.clear()
    server.answer(json.dumps(GOOD))
    server.answer(json.dumps(GOOD))
    assert again.extract_text(TASK, "INVOICE 43").data == GOOD
    assert extractor.extract_text(TASK, "INVOICE 44").data == GOOD
    assert store.get("openai").failures == 0


def test_a_failure_after_the_cooldown_reopens_the_breaker_at_once(
    server: FakeServer, http: httpx.Client
) -> None:
    clock, store = Clock(), InMemoryBreakerStore()
    settings = {"LLM_BREAKER_THRESHOLD": "2", "LLM_MAX_RETRIES": "5"}
    extractor = extractor_for(server, http, clock=clock, store=store, settings=settings)
    server.fail(502, times=2)
    with pytest.raises(ModelUnavailable):
        extractor.extract_text(TASK, "x")
    clock.now += 61
    server.fail(502)
    with pytest.raises(ModelUnavailable, match="circuit breaker open"):
        extractor.extract_text(TASK, "x")
    assert len(server.requests) == 3


def test_the_api_key_is_sent_as_a_bearer_token_when_configured(
    server: FakeServer, http: httpx.Client
) -> None:
    server.answer(json.dumps(GOOD))
    extractor = extractor_for(
        server, http, env={"MY_LLM_KEY": "sk-test-123"}, settings={"LLM_API_KEY_ENV": "MY_LLM_KEY"}
    )
    extractor.extract_text(TASK, "INVOICE 42")
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-123"


def test_a_configured_but_missing_api_key_is_a_configuration_error(
    server: FakeServer, http: httpx.Client
) -> None:
    with pytest.raises(LlmNotConfigured, match="MY_LLM_KEY"):
        extractor_for(server, http, env={}, settings={"LLM_API_KEY_ENV": "MY_LLM_KEY"})
    assert server.requests == []


def test_servers_without_json_schema_get_json_object_and_the_schema_in_the_prompt(
    server: FakeServer, http: httpx.Client
) -> None:
    server.fail(400)
    server.answer(json.dumps(GOOD))
    server.answer(json.dumps(GOOD))
    extractor = extractor_for(server, http)
    assert extractor.extract_text(TASK, "INVOICE 42").data == GOOD
    assert extractor.extract_text(TASK, "INVOICE 43").data == GOOD

    formats = [r.body["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object", "json_object"]  # remembered after the first refusal
    assert '"required": ["title", "amount"]' in server.requests[1].body["messages"][0]["content"]


def test_an_unauthorised_request_is_rejected_without_retries(server: FakeServer, http: httpx.Client) -> None:
    sleeps: list[float] = []
    server.fail(401)
    with pytest.raises(LlmRequestRejected) as raised:
        extractor_for(server, http, sleeps=sleeps).extract_text(TASK, "INVOICE 42")
    assert raised.value.details["backend_code"] == "HTTP 401"
    assert sleeps == [] and len(server.requests) == 1


def test_an_unreachable_server_is_unavailable_not_a_crash(http: httpx.Client) -> None:
    fake = FakeServer(url="http://127.0.0.1:9/v1")  # the discard port: connection refused
    with pytest.raises(ModelUnavailable):
        extractor_for(fake, http, settings={"LLM_MAX_RETRIES": "1"}).extract_text(TASK, "INVOICE 42")
