"""Webhook delivery against a real HTTP server on this machine, with the queues on moto."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from paperlane import aws
from paperlane.notify.delivery import Deliverer, Delivery, Outcome
from paperlane.notify.signing import verify_signature
from paperlane.notify.webhooks import StoredWebhook, WebhookEvent, WebhookRepository, new_webhook
from tests.events import load_event
from tests.integration.test_notify_moto import LambdaContext, create_tables, load_handler

SECRET = "receiver-and-sender-share-this"


@dataclass
class Receiver:
    """What the fake server answers (in turn; the last answer repeats) and what it received."""

    answers: list[int | str] = field(default_factory=lambda: [200])
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def next_answer(self) -> int | str:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = state.next_answer()
            if answer == "slow":
                time.sleep(1.0)
                answer = 200
            try:
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up (timeout)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/paperlane"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Queues:
    sqs: Any
    queue_url: str
    dlq_url: str
    auth_table: str
    jobs_table: str
    webhooks: WebhookRepository

    def drain(self, url: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            resp = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            if not resp.get("Messages"):
                return found
            for m in resp["Messages"]:
                found.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    def delayed(self) -> int:
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
        )
        return int(attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"])


@pytest.fixture
def queues(monkeypatch: pytest.MonkeyPatch) -> Iterator[Queues]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws.reset_clients()
        db = boto3.client("dynamodb", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        suffix = uuid.uuid4().hex[:8]
        _, jobs_table, auth_table = create_tables(db, suffix)
        yield Queues(
            sqs=sqs,
            queue_url=sqs.create_queue(QueueName=f"hooks-{suffix}")["QueueUrl"],
            dlq_url=sqs.create_queue(QueueName=f"hooks-dlq-{suffix}")["QueueUrl"],
            auth_table=auth_table,
            jobs_table=jobs_table,
            webhooks=WebhookRepository(db, auth_table),
        )
    aws.reset_clients()


def hook_for(queues: Queues, url: str) -> StoredWebhook:
    hook = new_webhook(url, list(WebhookEvent), SECRET, progress_step_percent=10, created_by="ada")
    queues.webhooks.create(hook)
    return hook


def deliverer(queues: Queues, *, max_retries: int = 5, base: int = 0, timeout: float = 5.0) -> Deliverer:
    return Deliverer(
        queues.webhooks,
        queues.sqs,
        queue_url=queues.queue_url,
        dlq_url=queues.dlq_url,
        timeout_seconds=timeout,
        max_retries=max_retries,
        backoff_base_seconds=base,
        http=httpx.Client(timeout=timeout, follow_redirects=False),
        # The receivers here are on this machine: as on the local stack.
        allow_loopback=True,
    )


def delivery(hook: StoredWebhook, **changes: Any) -> Delivery:
    data = {"job_id": "0123456789abcdef0123456789abcdef", "result": {"pages": 3}, "processing_time": 1.5}
    return Delivery(webhook_id=hook.webhook_id, event=WebhookEvent.PROCESSING_COMPLETED, data=data, **changes)


def test_a_delivery_is_signed_and_carries_its_headers(queues: Queues, receiver: Receiver) -> None:
    hook = hook_for(queues, receiver.url)
    sent = delivery(hook)
    assert deliverer(queues).deliver(sent) is Outcome.DELIVERED
    [request] = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert request["path"] == "/hooks/paperlane"
    assert headers["content-type"] == "application/json"
    assert headers["x-paperlane-event"] == "processing_completed"
    assert headers["x-paperlane-delivery"] == sent.delivery_id
    assert abs(int(headers["x-paperlane-timestamp"]) - time.time()) < 5
    assert verify_signature(
        SECRET, headers["x-paperlane-timestamp"], request["body"], headers["x-signature-256"]
    )
    assert not verify_signature(
        "not the secret at all", headers["x-paperlane-timestamp"], request["body"], headers["x-signature-256"]
    )
    assert json.loads(request["body"]) == {
        "event": "processing_completed",
        "timestamp": sent.timestamp,
        "data": sent.data,
        "delivery_id": sent.delivery_id,
    }
    assert queues.drain(queues.queue_url) == [] and queues.drain(queues.dlq_url) == []


def test_a_500_is_retried_later_with_the_same_payload(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [500]
    hook = hook_for(queues, receiver.url)
    first = delivery(hook)
    assert deliverer(queues).deliver(first) is Outcome.RETRY
    [again] = queues.drain(queues.queue_url)
    assert again["attempt"] == 2 and again["delivery_id"] == first.delivery_id
    assert Delivery.model_validate(again).body() == first.body()
    # With a real backoff the retry waits in the queue (DelaySeconds).
    receiver.answers = [503]
    assert deliverer(queues, base=30).deliver(first) is Outcome.RETRY
    assert queues.delayed() == 1


def test_a_timeout_is_retried(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = ["slow"]
    hook = hook_for(queues, receiver.url)
    started = time.monotonic()
    assert deliverer(queues, timeout=0.3).deliver(delivery(hook)) is Outcome.RETRY
    assert time.monotonic() - started < 1.0
    assert [d["attempt"] for d in queues.drain(queues.queue_url)] == [2]


def test_a_400_is_not_retried_and_goes_to_the_dlq(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [400]
    hook = hook_for(queues, receiver.url)
    assert deliverer(queues).deliver(delivery(hook)) is Outcome.FAILED
    assert len(receiver.requests) == 1
    assert queues.drain(queues.queue_url) == []
    [dead] = queues.drain(queues.dlq_url)
    assert dead["failure"]["status"] == 400 and dead["failure"]["reason"] == "HTTP 400"
    assert dead["delivery"]["webhook_id"] == hook.webhook_id
    assert SECRET not in json.dumps(dead)


def test_retries_end_in_the_dlq(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [503]
    hook = hook_for(queues, receiver.url)
    worker = deliverer(queues, max_retries=2)
    outcomes = [worker.deliver(delivery(hook))]
    while pending := queues.drain(queues.queue_url):
        outcomes.extend(worker.deliver(Delivery.model_validate(p)) for p in pending)
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert len(receiver.requests) == 3  # the first attempt and two retries
    [dead] = queues.drain(queues.dlq_url)
    assert dead["failure"] | {"failed_at": None} == {
        "reason": "HTTP 503",
        "status": 503,
        "attempts": 3,
        "failed_at": None,
    }


def test_deleted_webhooks_get_nothing(queues: Queues, receiver: Receiver) -> None:
    hook = hook_for(queues, receiver.url)
    assert queues.webhooks.delete(receiver.url)
    assert deliverer(queues).deliver(delivery(hook)) is Outcome.DROPPED
    assert receiver.requests == []


def test_a_name_that_resolves_privately_is_refused(
    queues: Queues, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = hook_for(queues, "https://hooks.example.com/x")

    def private(*args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", private)
    assert deliverer(queues).deliver(delivery(hook)) is Outcome.FAILED
    [dead] = queues.drain(queues.dlq_url)
    assert "private" in dead["failure"]["reason"]


def test_the_handler_reports_partial_batch_failures(
    queues: Queues, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBS_TABLE", queues.jobs_table)
    monkeypatch.setenv("AUTH_TABLE", queues.auth_table)
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", queues.queue_url)
    monkeypatch.setenv("WEBHOOK_DLQ_URL", queues.dlq_url)
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "true")  # the receiver is on this machine
    hook = hook_for(queues, receiver.url)
    event = load_event("deliver", WEBHOOK_ID=hook.webhook_id, JOB_ID="0123456789abcdef0123456789abcdef")
    broken = {**event["Records"][0], "messageId": "broken-1", "body": "{not json"}
    event["Records"].append(broken)
    from paperlane.notify.delivery import deliverer_for

    try:
        result = load_handler("deliver")(event, LambdaContext())
    finally:
        deliverer_for.cache_clear()
    assert result == {"batchItemFailures": [{"itemIdentifier": "broken-1"}]}
    [request] = receiver.requests
    assert json.loads(request["body"])["data"]["result"] == {"pages": 12, "records": 3}
