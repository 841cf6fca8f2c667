"""RATE_LIMIT_BACKEND=dynamodb, the API functions' counters on AWS, on moto with RateLimitTable from
template.yaml: the same windows, headers and 429s as the local stack's in-memory counters."""

from __future__ import annotations

import importlib.util
import json
import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from moto.dynamodb.models import DynamoDBBackend

from paperlane import aws
from paperlane.auth.ratelimit import FixedWindowLimiter, Quota
from paperlane.config import function_environment
from paperlane.local.stack import LocalStack
from paperlane.storage.ratelimit import DynamoWindowLimiter
from tests.events import load_event

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """A window of its own: far in the future, so no other test (or real time) shares it."""

    def __init__(self) -> None:
        self.now = 4_000_000_020.5 + 60 * random.randrange(1_000_000)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def table(stack: LocalStack) -> str:
    return stack.physical_name("RateLimitTable")


def _key() -> str:
    return f"authenticated:user-{uuid.uuid4().hex[:8]}"


def test_a_window_counts_to_its_limit_refuses_with_retry_after_and_rolls_over(table: str) -> None:
    clock = Clock()
    dynamo = DynamoWindowLimiter(aws.dynamodb(), table, now=clock)
    memory = FixedWindowLimiter(now=clock)
    key = _key()
    seen: list[Quota | None] = [dynamo.hit(key, 3) for _ in range(4)]
    assert [q.allowed for q in seen if q] == [True, True, True, False]
    assert [q.remaining for q in seen if q] == [2, 1, 0, 0]
    refused = seen[3]
    assert refused is not None
    start = int(clock.now // 60) * 60
    assert refused.reset == start + 60
    assert refused.headers() == {
        "X-RateLimit-Limit": "3",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(start + 60),
        "Retry-After": str(start + 60 - int(clock.now)),
    }
    # Exactly what the local stack's counter answers for the same requests.
    assert [memory.hit(key, 3) for _ in range(4)] == seen

    clock.now += 60
    rolled = dynamo.hit(key, 3)
    assert rolled is not None and rolled.allowed and rolled.remaining == 2 and rolled.reset == start + 120
    # Another caller has a window of its own.
    other = dynamo.hit(_key(), 3)
    assert other is not None and other.remaining == 2


def test_window_items_expire_by_ttl_and_name_no_one(table: str) -> None:
    clock = Clock()
    key = _key()
    DynamoWindowLimiter(aws.dynamodb(), table, now=clock).hit(key, 5)
    start = int(clock.now // 60) * 60
    items = [
        i
        for page in aws.dynamodb().get_paginator("scan").paginate(TableName=table)
        for i in page["Items"]
        if i["pk"]["S"].endswith(f"#{start}")
    ]
    assert len(items) == 1
    assert int(items[0]["expires_at"]["N"]) == start + 120 and items[0]["hits"]["N"] == "1"
    assert key.split(":")[1] not in json.dumps(items)


def test_concurrent_requests_never_pass_more_than_the_limit(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DynamoDB applies each UpdateItem atomically; moto does not (it reads, checks, then writes, with
    # no lock), so here each update is made atomic at moto's backend, as the service is. What remains
    # under test is the limiter: one conditional update per request, no read-then-write of its own.
    atomic = threading.Lock()
    update_item = DynamoDBBackend.update_item

    def serialised(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with atomic:
            return update_item(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", serialised)
    clock = Clock()
    limiter = DynamoWindowLimiter(aws.dynamodb(), table, now=clock)
    key, lock = _key(), threading.Lock()
    results: list[Quota | None] = []
    calls = 0

    def burst() -> None:
        for _ in range(10):
            quota = limiter.hit(key, 50)
            with lock:
                results.append(quota)

    real_call = aws.dynamodb()._make_api_call  # type: ignore[attr-defined]  # botocore internals

    def counted(operation: str, params: Any) -> Any:
        nonlocal calls
        with lock:
            calls += 1
        assert operation == "UpdateItem", f"the limiter called {operation}"
        return real_call(operation, params)

    monkeypatch.setattr(aws.dynamodb(), "_make_api_call", counted)
    threads = [threading.Thread(target=burst) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    allowed = [q for q in results if q and q.allowed]
    assert len(allowed) == 50 and len(results) == 80 and calls == 80
    # Each allowed request saw its own count: remaining values 49..0, each once.
    assert sorted(q.remaining for q in allowed) == list(range(50))


def test_an_unavailable_table_lets_requests_through_uncounted(table: str) -> None:
    client = aws.dynamodb()
    limiter = DynamoWindowLimiter(client, table, now=Clock())
    with Stubber(client) as stub:
        stub.add_client_error("update_item", "ProvisionedThroughputExceededException", http_status_code=400)
        assert limiter.hit(_key(), 3) is None


# ---------------------------------------------------------------------------- through a handler


@pytest.fixture
def status_handler(stack: LocalStack, table: str) -> Iterator[Any]:
    # The template's environment, as on AWS (the local stack overrides the backend to memory).
    env = {
        **stack.function_environment("StatusFunction"),
        "RATE_LIMIT_BACKEND": "dynamodb",
        "RATE_LIMIT_TABLE": table,
        "RATE_LIMIT_ANONYMOUS": "2",
        "RATE_LIMIT_ADMIN": "2",
    }
    assert stack.template.function_environment("StatusFunction")["RATE_LIMIT_BACKEND"] == "dynamodb"
    spec = importlib.util.spec_from_file_location("status_app_ratelimit", ROOT / "functions/status/app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def call(event: dict[str, Any]) -> dict[str, Any]:
        with function_environment(env):
            result: dict[str, Any] = module.handler(event, _Context())
            return result

    yield call


class _Context:
    function_name = "StatusFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:StatusFunction"
    aws_request_id = "req-1"


def _health(source_ip: str) -> dict[str, Any]:
    event = load_event("status", JOB_ID="0" * 32)
    event |= {"resource": "/health", "path": "/health", "pathParameters": None}
    context = event["requestContext"]
    context |= {"resourcePath": "/health", "path": "/dev/health"}
    del context["authorizer"]
    context["identity"] = {**context["identity"], "sourceIp": source_ip}
    return event


def _headers(response: dict[str, Any]) -> dict[str, str]:
    multi = response.get("multiValueHeaders") or {}
    return {k.lower(): v[-1] for k, v in multi.items()} | {
        k.lower(): v for k, v in (response.get("headers") or {}).items()
    }


def test_anonymous_callers_are_counted_per_source_ip_on_aws(status_handler: Any) -> None:
    first, second = f"198.51.100.{random.randrange(1, 250)}", f"203.0.113.{random.randrange(1, 250)}"
    answers = [status_handler(_health(first)) for _ in range(3)]
    assert [a["statusCode"] for a in answers] == [200, 200, 429]
    assert [_headers(a)["x-ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
    refused = _headers(answers[2])
    assert refused["x-ratelimit-limit"] == "2" and int(refused["retry-after"]) >= 1
    assert json.loads(answers[2]["body"])["error"]["code"] == "RATE_LIMITED"
    # Another address has its own budget.
    assert status_handler(_health(second))["statusCode"] == 200


def test_signed_in_callers_are_counted_per_user_with_the_authorizers_principal(status_handler: Any) -> None:
    name = f"admin-{uuid.uuid4().hex[:8]}"
    event = load_event("status", JOB_ID="f" * 32)
    principal = json.dumps({"username": name, "roles": ["admin"], "kind": "user"})
    event["requestContext"]["authorizer"] = {"principalId": name, "principal": principal}
    answers = [status_handler(event) for _ in range(3)]
    # The job does not exist (404) until the budget runs out (429).
    assert [a["statusCode"] for a in answers] == [404, 404, 429]
    assert _headers(answers[0])["x-ratelimit-limit"] == "2"
    assert int(_headers(answers[2])["retry-after"]) >= 1
