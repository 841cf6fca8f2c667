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
import pytest
from moto import mock_aws

from paperlane import aws
from paperlane.errors import Conflict, NotFound
from paperlane.notify.delivery import Deliverer, Delivery, Outcome, enqueue, from_message, redeliver
from paperlane.notify.egress import Address, NameUnresolved
from paperlane.notify.signing import verify_signature
from paperlane.notify.webhooks import StoredWebhook, WebhookEvent, WebhookRepository, new_webhook
from paperlane.storage.deliveries import DeliveryLog, DeliveryRecord, DeliveryStatus
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
    log: DeliveryLog

    def logged(self, delivery: Delivery) -> DeliveryRecord:
        found = self.log.get(delivery.delivery_id)
        assert found is not None, "the delivery is in the log"
        return found

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
            log=DeliveryLog(db, auth_table),
        )
    aws.reset_clients()


def hook_for(queues: Queues, url: str) -> StoredWebhook:
    hook = new_webhook(url, list(WebhookEvent), SECRET, progress_step_percent=10, created_by="ada")
    queues.webhooks.create(hook)
    return hook


def deliverer(
    queues: Queues, *, max_retries: int = 5, base: int = 0, timeout: float = 5.0, resolver: Any = None
) -> Deliverer:
    return Deliverer(
        queues.webhooks,
        queues.sqs,
        queues.log,
        queue_url=queues.queue_url,
        dlq_url=queues.dlq_url,
        timeout_seconds=timeout,
        max_retries=max_retries,
        backoff_base_seconds=base,
        # The receivers here are on this machine: as on the local stack.
        allow_loopback=True,
        resolver=resolver,
    )


def delivery(hook: StoredWebhook, **changes: Any) -> Delivery:
    # A null and a float: a redelivery from the log must send these very bytes again.
    data = {
        "job_id": "0123456789abcdef0123456789abcdef",
        "batch_id": None,
        "result": {"pages": 3},
        "processing_time": 1.5,
    }
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
    sent = delivery(hook)
    assert deliverer(queues, timeout=0.3).deliver(sent) is Outcome.RETRY
    assert time.monotonic() - started < 1.0
    assert [d["attempt"] for d in queues.drain(queues.queue_url)] == [2]
    logged = queues.logged(sent)
    assert logged.status is DeliveryStatus.PENDING
    [attempt] = logged.attempts
    assert attempt.error == "timeout" and attempt.status_code is None and 250 <= attempt.duration_ms < 1000


def test_a_400_is_not_retried_and_goes_to_the_dlq(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [400]
    hook = hook_for(queues, receiver.url)
    sent = delivery(hook)
    assert deliverer(queues).deliver(sent) is Outcome.FAILED
    logged = queues.logged(sent)
    assert logged.status is DeliveryStatus.FAILED and logged.dead_lettered_at
    assert [(a.status_code, a.error) for a in logged.attempts] == [(400, "HTTP 400")]
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
    sent = delivery(hook)
    outcomes = [worker.deliver(sent)]
    while pending := queues.drain(queues.queue_url):
        outcomes.extend(worker.deliver(Delivery.model_validate(p)) for p in pending)
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert len(receiver.requests) == 3  # the first attempt and two retries
    logged = queues.logged(sent)
    assert logged.status is DeliveryStatus.DEAD and logged.dead_lettered_at and logged.delivered_at is None
    assert [(a.attempt, a.status_code, a.outcome) for a in logged.attempts] == [
        (1, 503, "retry"),
        (2, 503, "retry"),
        (3, 503, "retry"),
    ]
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
    sent = delivery(hook)
    assert deliverer(queues).deliver(sent) is Outcome.DROPPED
    assert receiver.requests == []
    assert queues.logged(sent).status is DeliveryStatus.DROPPED


def test_a_name_that_resolves_privately_is_refused(
    queues: Queues, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = hook_for(queues, "https://hooks.example.com/x")

    def private(*args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", private)
    sent = delivery(hook)
    assert deliverer(queues).deliver(sent) is Outcome.FAILED
    [dead] = queues.drain(queues.dlq_url)
    assert "private" in dead["failure"]["reason"]
    assert queues.logged(sent).status is DeliveryStatus.FAILED


def test_a_name_that_does_not_resolve_is_retried_and_never_connected(queues: Queues) -> None:
    hook = hook_for(queues, "https://receiver.paperlane.test/hook")

    def nowhere(host: str, port: int) -> list[Address]:
        raise NameUnresolved(host)

    sent = delivery(hook)
    assert deliverer(queues, resolver=nowhere).deliver(sent) is Outcome.RETRY
    assert [d["delivery_id"] for d in queues.drain(queues.queue_url)] == [sent.delivery_id]
    [attempt] = queues.logged(sent).attempts
    assert attempt.error == "the host name does not resolve"


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
    # Never queued through notify (a sample event), the delivery is still in the log.
    logged = queues.log.get(json.loads(event["Records"][0]["body"])["delivery_id"])
    assert logged is not None and logged.status is DeliveryStatus.DELIVERED and logged.url == receiver.url


# ---------------------------------------------------------------------------- the log and redelivery


def test_a_queued_delivery_is_pending_in_the_log_then_delivered(queues: Queues, receiver: Receiver) -> None:
    hook = hook_for(queues, receiver.url)
    sent = delivery(hook)
    enqueue(queues.sqs, queues.queue_url, [sent], queues.log, urls={hook.webhook_id: hook.url})
    queued = queues.logged(sent)
    assert queued.status is DeliveryStatus.PENDING and queued.attempts == [] and queued.url == receiver.url
    assert queued.event is WebhookEvent.PROCESSING_COMPLETED and queued.data == sent.data
    [message] = queues.drain(queues.queue_url)
    assert deliverer(queues).deliver(from_message(json.dumps(message))) is Outcome.DELIVERED
    done = queues.logged(sent)
    assert (
        done.status is DeliveryStatus.DELIVERED and done.delivered_at and done.queued_at == queued.queued_at
    )
    [attempt] = done.attempts
    assert attempt.status_code == 200 and attempt.error is None and attempt.outcome == "delivered"
    assert attempt.duration_ms >= 0 and attempt.at >= queued.queued_at
    # The table's TTL removes it about 30 days from now.
    raw = boto3.client("dynamodb", region_name="us-east-1").get_item(
        TableName=queues.auth_table, Key={"pk": {"S": f"delivery#{sent.delivery_id}"}}
    )["Item"]
    assert 29 * 86400 < int(raw["ttl"]["N"]) - time.time() <= 30 * 86400


def test_a_dead_delivery_is_redelivered_with_its_delivery_id(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [503]
    hook = hook_for(queues, receiver.url)
    worker = deliverer(queues, max_retries=1)
    sent = delivery(hook)
    enqueue(queues.sqs, queues.queue_url, [sent], queues.log, urls={hook.webhook_id: hook.url})
    while pending := queues.drain(queues.queue_url):
        for p in pending:
            worker.deliver(from_message(json.dumps(p)))
    assert queues.logged(sent).status is DeliveryStatus.DEAD
    queues.drain(queues.dlq_url)

    receiver.answers = [204]  # the receiver is back
    record = redeliver(sent.delivery_id, queues.log, queues.webhooks, queues.sqs, queues.queue_url)
    assert record.status is DeliveryStatus.PENDING and record.redeliveries == 1
    [again] = queues.drain(queues.queue_url)
    assert again["delivery_id"] == sent.delivery_id and again["attempt"] == 1 and again["redelivery"] == 1
    assert deliverer(queues, max_retries=1).deliver(from_message(json.dumps(again))) is Outcome.DELIVERED
    done = queues.logged(sent)
    assert done.status is DeliveryStatus.DELIVERED and done.redeliveries == 1
    assert [(a.redelivery, a.attempt, a.status_code) for a in done.attempts] == [
        (0, 1, 503),
        (0, 2, 503),
        (1, 1, 204),
    ]
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert len(bodies) == 3 and all(b == json.loads(sent.body()) for b in bodies), "the same payload"
    last = {k.lower(): v for k, v in receiver.requests[-1]["headers"].items()}
    assert last["x-paperlane-delivery"] == sent.delivery_id
    assert verify_signature(
        SECRET, last["x-paperlane-timestamp"], receiver.requests[-1]["body"], last["x-signature-256"]
    )


def test_redelivery_needs_a_logged_delivery_and_its_webhook(queues: Queues, receiver: Receiver) -> None:
    with pytest.raises(NotFound):
        redeliver(uuid.uuid4().hex, queues.log, queues.webhooks, queues.sqs, queues.queue_url)
    hook = hook_for(queues, receiver.url)
    sent = delivery(hook)
    queues.log.queued([(sent, hook.url)])
    assert queues.webhooks.delete(receiver.url)
    with pytest.raises(Conflict):
        redeliver(sent.delivery_id, queues.log, queues.webhooks, queues.sqs, queues.queue_url)
    assert queues.drain(queues.queue_url) == [] and queues.logged(sent).redeliveries == 0


def test_a_dlq_moved_back_to_the_queue_is_delivered_afresh(queues: Queues, receiver: Receiver) -> None:
    receiver.answers = [500]
    hook = hook_for(queues, receiver.url)
    sent = delivery(hook)
    assert deliverer(queues, max_retries=0).deliver(sent) is Outcome.FAILED
    assert queues.logged(sent).status is DeliveryStatus.DEAD
    [dead] = queues.drain(queues.dlq_url)
    receiver.answers = [200]
    # What a DLQ redrive (start-message-move-task) puts back on the queue: the DLQ message as it is.
    assert deliverer(queues, max_retries=0).deliver(from_message(json.dumps(dead))) is Outcome.DELIVERED
    assert queues.logged(sent).status is DeliveryStatus.DELIVERED


def test_the_log_lists_newest_first_with_filters_and_cursors(queues: Queues, receiver: Receiver) -> None:
    hook = hook_for(queues, receiver.url)
    other = hook_for(queues, receiver.url + "/other")
    sent = []
    for n in range(5):
        target = hook if n % 2 == 0 else other
        event = WebhookEvent.PROCESSING_FAILED if n == 4 else WebhookEvent.PROCESSING_COMPLETED
        d = Delivery(webhook_id=target.webhook_id, event=event, data={"n": n})
        queues.log.queued([(d, target.url)])
        sent.append(d)
        time.sleep(0.002)  # distinct queued_at milliseconds
    deliverer(queues).deliver(sent[1])
    newest_first = [d.delivery_id for d in reversed(sent)]

    first = queues.log.page(limit=2)
    second = queues.log.page(limit=2, cursor=first.next_cursor)
    third = queues.log.page(limit=2, cursor=second.next_cursor)
    assert [r.delivery_id for r in first.items + second.items + third.items] == newest_first
    assert third.next_cursor is None or queues.log.page(limit=2, cursor=third.next_cursor).items == []

    assert [r.delivery_id for r in queues.log.page(url=hook.url).items] == [
        sent[4].delivery_id,
        sent[2].delivery_id,
        sent[0].delivery_id,
    ]
    assert [r.delivery_id for r in queues.log.page(status=DeliveryStatus.DELIVERED).items] == [
        sent[1].delivery_id
    ]
    assert [r.data["n"] for r in queues.log.page(event=WebhookEvent.PROCESSING_FAILED).items] == [4]
    pending = queues.log.page(status=DeliveryStatus.PENDING, url=hook.url, limit=1)
    assert [r.delivery_id for r in pending.items] == [sent[4].delivery_id] and pending.next_cursor
    rest = queues.log.page(status=DeliveryStatus.PENDING, url=hook.url, limit=5, cursor=pending.next_cursor)
    assert [r.delivery_id for r in rest.items] == [sent[2].delivery_id, sent[0].delivery_id]
