"""Live progress on moto: connections, subscriptions, the jobs table's real stream, fan-out, webhooks queued.

Tables and queues are made here (not from template.yaml, which the lead wires), with unique names.
"""

from __future__ import annotations

import importlib.util
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from paperlane import aws
from paperlane.auth.roles import Principal, Role
from paperlane.jobs import Batch, Job, JobError, Stage
from paperlane.notify import stream, websocket
from paperlane.notify.connections import ALL, ConnectionRepository, batch_topic, job_topic
from paperlane.notify.messages import MessageType
from paperlane.notify.sender import ApiGatewaySender, LocalSender, SendResult
from paperlane.notify.stream import Notifier
from paperlane.notify.throttle import ProgressPolicy, ProgressThrottle
from paperlane.notify.webhooks import WebhookEvent, WebhookRepository, new_webhook
from paperlane.notify.websocket import WebSocketService
from paperlane.storage.deliveries import DeliveryLog, DeliveryStatus
from paperlane.storage.jobs import JobRepository
from tests.events import load_event

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Principal(username="ada", roles=frozenset({Role.ADMIN}))
OLGA = Principal(username="olga", roles=frozenset({Role.OPERATOR}))
VIEWER = Principal(username="vic", roles=frozenset({Role.VIEWER}))


class RecordingJobs(JobRepository):
    """The real repository; after each write, the world turns the change into a stream record."""

    on_change: Any = None

    def _update(self, job_id: str, expression: str, condition: str | None, values: dict[str, Any]) -> bool:
        ok = super()._update(job_id, expression, condition, values)
        self.on_change()
        return ok

    def create(self, job: Job, *, password: str | None = None) -> bool:
        ok = super().create(job, password=password)
        self.on_change()
        return ok

    def create_batch(self, batch: Batch) -> None:
        super().create_batch(batch)
        self.on_change()

    def add_to_batch(self, batch_id: str, job_id: str) -> None:
        super().add_to_batch(batch_id, job_id)
        self.on_change()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    db: Any
    sqs: Any
    connections_table: str
    jobs_table: str
    auth_table: str
    queue_url: str
    dlq_url: str
    connections: ConnectionRepository
    jobs: JobRepository
    webhooks: WebhookRepository
    sender: LocalSender
    clock: Clock
    throttle: ProgressThrottle
    notifier: Notifier
    service: WebSocketService
    _records: list[dict[str, Any]] = field(default_factory=list)
    _images: dict[str, Any] = field(default_factory=dict)
    _sequence: int = 100

    def stream_event(self) -> dict[str, Any]:
        """The stream records of every change since the last call, as Lambda would receive them.

        moto's DynamoDB Streams API does not answer this botocore's requests, so the records are made
        from the table's real items: each job's image before and after every change (``snapshot``).
        """
        event = {"Records": self._records}
        self._records = []
        return event

    def snapshot(self) -> None:
        """Record a stream record for every item that changed since the last snapshot."""
        items = {i["job_id"]["S"]: i for i in self.db.scan(TableName=self.jobs_table)["Items"]}
        for key in sorted(set(items) | set(self._images)):
            old, new = self._images.get(key), items.get(key)
            if old == new:
                continue
            self._sequence += 1
            change: dict[str, Any] = {
                "Keys": {"job_id": {"S": key}},
                "SequenceNumber": str(self._sequence),
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            }
            if old:
                change["OldImage"] = old
            if new:
                change["NewImage"] = new
            name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
            self._records.append({"eventName": name, "eventSource": "aws:dynamodb", "dynamodb": change})
        self._images = items

    def received(self, connection_id: str) -> list[dict[str, Any]]:
        return [json.loads(m) for m in self.sender.drain(connection_id)]

    def connect(self, connection_id: str, principal: Principal) -> None:
        self.sender.register(connection_id)
        self.service.connect(connection_id, principal)

    def send(self, connection_id: str, **frame: Any) -> list[dict[str, Any]]:
        self.service.receive(connection_id, json.dumps(frame))
        return self.received(connection_id)

    def queued(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            resp = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            if not resp.get("Messages"):
                return found
            found.extend(json.loads(m["Body"]) for m in resp["Messages"])
            for m in resp["Messages"]:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])


def create_tables(db: Any, suffix: str) -> tuple[str, str, str]:
    connections, jobs, auth = f"conn-{suffix}", f"jobs-{suffix}", f"auth-{suffix}"
    s = "S"
    db.create_table(
        TableName=connections,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": s} for n in ("pk", "sk", "topic", "connection_id")
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "topic-index",
                "KeySchema": [
                    {"AttributeName": "topic", "KeyType": "HASH"},
                    {"AttributeName": "connection_id", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    db.create_table(
        TableName=jobs,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": s} for n in ("job_id", "batch_id", "created_at")
        ],
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "batch-index",
                "KeySchema": [
                    {"AttributeName": "batch_id", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    db.create_table(
        TableName=auth,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": s} for n in ("pk", "kind", "sort")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "kind-index",
                "KeySchema": [
                    {"AttributeName": "kind", "KeyType": "HASH"},
                    {"AttributeName": "sort", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    return connections, jobs, auth


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws.reset_clients()
        db = boto3.client("dynamodb", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        suffix = uuid.uuid4().hex[:8]
        connections_table, jobs_table, auth_table = create_tables(db, suffix)
        queue_url = sqs.create_queue(QueueName=f"hooks-{suffix}")["QueueUrl"]
        dlq_url = sqs.create_queue(QueueName=f"hooks-dlq-{suffix}")["QueueUrl"]
        connections = ConnectionRepository(db, connections_table)
        jobs = RecordingJobs(db, jobs_table)
        webhooks = WebhookRepository(db, auth_table)
        sender = LocalSender()
        clock = Clock()
        throttle = ProgressThrottle(
            db, connections_table, ProgressPolicy(min_interval_seconds=5, min_step_percent=10), clock=clock
        )
        notifier = Notifier(
            connections, sender, throttle, webhooks, sqs, queue_url, log=DeliveryLog(db, auth_table)
        )
        world = World(
            db=db,
            sqs=sqs,
            connections_table=connections_table,
            jobs_table=jobs_table,
            auth_table=auth_table,
            queue_url=queue_url,
            dlq_url=dlq_url,
            connections=connections,
            jobs=jobs,
            webhooks=webhooks,
            sender=sender,
            clock=clock,
            throttle=throttle,
            notifier=notifier,
            service=WebSocketService(connections, jobs, sender),
        )
        jobs.on_change = world.snapshot
        yield world
    aws.reset_clients()


def new_job(
    world: World, *, owner: str | None = "olga", batch_id: str | None = None, pages: int = 100
) -> Job:
    job_id = uuid.uuid4().hex
    job = Job(
        job_id=job_id,
        profile="generic",
        filename="report.pdf",
        source_key=f"inbox/{job_id}/report.pdf",
        sha256="0" * 64,
        size_bytes=1000,
        owner=owner,
        batch_id=batch_id,
    )
    assert world.jobs.create(job)
    if batch_id:
        world.jobs.add_to_batch(batch_id, job_id)
    return job


def run_to_completion(world: World, job_id: str, *, pages: int = 100) -> None:
    world.jobs.mark_running(job_id, Stage.PREPARE)
    world.jobs.set_stage(job_id, Stage.TEXT, page_count=pages)
    for _ in range(pages // 10):
        world.jobs.add_pages(job_id, done=10, needing_ocr=0)
    world.jobs.set_stage(job_id, Stage.FINALIZE)
    world.jobs.complete(job_id, result_key=f"results/{job_id}.json", summary={"pages": pages, "records": 2})


# ---------------------------------------------------------------------------- connections


def test_connection_subscriptions_are_queries_and_disconnect_forgets_all(world: World) -> None:
    world.connections.connect("c1", OLGA)
    assert world.connections.get("c1") is not None
    assert world.connections.get("c1").principal == OLGA  # type: ignore[union-attr]
    assert world.connections.subscribe("c1", job_topic("j1"))
    assert not world.connections.subscribe("c1", job_topic("j1"))  # already
    world.connections.subscribe("c1", ALL)
    world.connections.connect("c2", ADMIN)
    world.connections.subscribe("c2", job_topic("j1"))
    assert sorted(world.connections.subscribers(job_topic("j1"))) == ["c1", "c2"]
    assert world.connections.topics("c1") == [ALL, job_topic("j1")]
    assert world.connections.disconnect("c1") == 3
    assert world.connections.get("c1") is None
    assert world.connections.subscribers(job_topic("j1")) == ["c2"]
    assert world.connections.subscribers(ALL) == []
    item = world.db.get_item(
        TableName=world.connections_table, Key={"pk": {"S": "conn#c2"}, "sk": {"S": "meta"}}
    )["Item"]
    assert int(item["ttl"]["N"]) > int(item["connected_at"]["N"])


# ---------------------------------------------------------------------------- the WebSocket protocol


def test_subscribe_unsubscribe_and_a_late_subscriber_gets_the_state(world: World) -> None:
    job = new_job(world)
    world.jobs.mark_running(job.job_id, Stage.TEXT)
    world.connect("c1", OLGA)
    [ack, state] = world.send("c1", action="subscribe", job_id=job.job_id)
    assert ack["type"] == "subscribed" and ack["data"] == {"job_id": job.job_id}
    assert state["type"] == "job_state"
    assert state["data"]["status"] == "running" and state["data"]["stage"] == "text"
    assert world.connections.subscribers(job_topic(job.job_id)) == ["c1"]
    [bye] = world.send("c1", action="unsubscribe", job_id=job.job_id)
    assert bye["type"] == "unsubscribed" and bye["data"]["was_subscribed"] is True
    assert world.connections.subscribers(job_topic(job.job_id)) == []
    [echo] = world.send("c1", action="echo", data={"ping": 42})
    assert echo["type"] == "echo" and echo["data"] == {"ping": 42}


def test_batch_subscription_gets_each_jobs_state(world: World) -> None:
    world.jobs.create_batch(Batch(batch_id="b-0123abcd", owner="olga", profile="generic"))
    first, second = new_job(world, batch_id="b-0123abcd"), new_job(world, batch_id="b-0123abcd")
    world.connect("c1", OLGA)
    replies = world.send("c1", action="subscribe", batch_id="b-0123abcd")
    assert replies[0]["type"] == "subscribed"
    assert {r["data"]["job_id"] for r in replies[1:]} == {first.job_id, second.job_id}


def test_operators_see_only_their_own_and_errors_are_clear(world: World) -> None:
    theirs = new_job(world, owner="someone-else")
    world.connect("c1", OLGA)
    [refused] = world.send("c1", action="subscribe", job_id=theirs.job_id)
    assert refused["type"] == "error" and refused["data"]["code"] == "NOT_FOUND"
    [missing] = world.send("c1", action="subscribe", job_id=uuid.uuid4().hex)
    assert missing["data"] == refused["data"] | {"message": missing["data"]["message"]}
    [everything] = world.send("c1", action="subscribe", all=True)
    assert everything["data"]["code"] == "FORBIDDEN" and "admin role" in everything["data"]["message"]
    [bad] = world.send("c1", action="subscribe", job_id="xyz")
    assert bad["data"]["code"] == "INVALID_REQUEST" and "32 hexadecimal" in bad["data"]["message"]
    assert world.connections.topics("c1") == []
    # A viewer follows the jobs of the user it reads for (none otherwise); only admins follow everything.
    world.connect("v1", VIEWER)
    assert world.send("v1", action="subscribe", job_id=theirs.job_id)[0]["data"]["code"] == "NOT_FOUND"
    assert world.send("v1", action="subscribe", all=True)[0]["data"]["code"] == "FORBIDDEN"
    world.connect("v2", VIEWER.model_copy(update={"reads_for": "someone-else"}))
    assert world.send("v2", action="subscribe", job_id=theirs.job_id)[0]["type"] == "subscribed"
    world.connect("a1", Principal(username="root", roles=frozenset({Role.ADMIN})))
    assert world.send("a1", action="subscribe", all=True)[0]["type"] == "subscribed"


def test_api_gateway_events_through_the_handler_module(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    job = new_job(world)
    monkeypatch.setenv("JOBS_TABLE", world.jobs_table)
    monkeypatch.setenv("AUTH_TABLE", world.auth_table)
    monkeypatch.setenv("CONNECTIONS_TABLE", world.connections_table)
    monkeypatch.setenv("WEBSOCKET_ENDPOINT", "local")
    from paperlane.notify.sender import LOCAL

    handler = load_handler("websocket")
    connection_id = f"conn-{uuid.uuid4().hex[:8]}"
    LOCAL.register(connection_id)
    try:
        assert handler(load_event("websocket_connect", CONNECTION_ID=connection_id), LambdaContext()) == {
            "statusCode": 200
        }
        event = load_event("websocket_subscribe", CONNECTION_ID=connection_id, JOB_ID=job.job_id)
        assert handler(event, LambdaContext()) == {"statusCode": 200}
        replies = [json.loads(m) for m in LOCAL.drain(connection_id)]
        assert [r["type"] for r in replies] == ["subscribed", "job_state"]
        disconnect = load_event("websocket_connect", CONNECTION_ID=connection_id)
        disconnect["requestContext"]["routeKey"] = "$disconnect"
        assert handler(disconnect, LambdaContext()) == {"statusCode": 200}
        assert world.connections.get(connection_id) is None
        no_principal = load_event("websocket_connect", CONNECTION_ID=connection_id)
        del no_principal["requestContext"]["authorizer"]
        assert handler(no_principal, LambdaContext()) == {"statusCode": 401}
    finally:
        LOCAL.unregister(connection_id)
        websocket.websocket_service.cache_clear()


# ---------------------------------------------------------------------------- the stream


def test_a_job_run_reaches_job_batch_and_all_subscribers_in_order(world: World) -> None:
    world.jobs.create_batch(Batch(batch_id="b-0123abcd", owner="olga", profile="generic"))
    job = new_job(world, batch_id="b-0123abcd")
    world.connect("by-job", OLGA)
    world.send("by-job", action="subscribe", job_id=job.job_id)
    world.connect("by-batch", OLGA)
    world.send("by-batch", action="subscribe", batch_id="b-0123abcd")
    world.connect("both", ADMIN)
    world.send("both", action="subscribe", all=True)
    world.send("both", action="subscribe", job_id=job.job_id)

    run_to_completion(world, job.job_id)
    result = stream.process(world.stream_event(), world.notifier)
    assert result == {"batchItemFailures": []}

    seen = {cid: world.received(cid) for cid in ("by-job", "by-batch", "both")}
    assert seen["by-job"] == seen["by-batch"] == seen["both"]  # once each, even subscribed twice
    kinds = [m["type"] for m in seen["by-job"]]
    assert kinds[0] == "processing_started" and kinds[-1] == "processing_completed"
    progress = [m["data"]["progress"] for m in seen["by-job"] if m["type"] == "processing_progress"]
    assert progress == sorted(progress) and progress  # in order
    # Ten page updates of 4% each, no time passing: the throttle lets through stage changes and 10% steps.
    assert len(progress) < 10
    done = seen["by-job"][-1]["data"]
    assert done["result"] == {"pages": 100, "records": 2} and done["job_id"] == job.job_id


def test_progress_throttle_is_shared_state_in_dynamodb(world: World) -> None:
    assert world.throttle.allow("j1", 12, "text")
    assert not world.throttle.allow("j1", 14, "text")  # +2%, no time
    world.clock.now += 5
    assert world.throttle.allow("j1", 15, "text")  # the interval passed
    assert not world.throttle.allow("j1", 15, "text")
    assert world.throttle.allow("j1", 25, "text")  # a 10% step
    assert world.throttle.allow("j1", 50, "ocr")  # a new stage
    # Another invocation (another throttle object) sees the same state.
    other = ProgressThrottle(world.db, world.connections_table, ProgressPolicy(), clock=world.clock)
    assert not other.allow("j1", 51, "ocr")
    world.throttle.reset("j1")
    assert other.allow("j1", 1, "ocr")


def test_gone_connections_are_removed(world: World) -> None:
    job = new_job(world)
    for cid in ("alive", "gone"):
        world.connections.connect(cid, ADMIN)
        world.connections.subscribe(cid, job_topic(job.job_id))
    client = boto3.client(
        "apigatewaymanagementapi", endpoint_url="https://ws0123.execute-api.us-east-1.amazonaws.com/dev"
    )
    stubber = Stubber(client)
    for cid in sorted(world.connections.subscribers(job_topic(job.job_id))):
        if cid == "gone":
            stubber.add_client_error(
                "post_to_connection", service_error_code="GoneException", http_status_code=410
            )
        else:
            stubber.add_response("post_to_connection", {}, {"ConnectionId": cid, "Data": stubber_any()})
    notifier = Notifier(
        world.connections,
        ApiGatewaySender("unused", client=client),
        world.throttle,
        world.webhooks,
        world.sqs,
        "",
    )
    world.jobs.mark_running(job.job_id, Stage.PREPARE)
    with stubber:
        stream.process(world.stream_event(), notifier)
    stubber.assert_no_pending_responses()
    assert world.connections.subscribers(job_topic(job.job_id)) == ["alive"]
    assert world.connections.get("gone") is None


def stubber_any() -> Any:
    from botocore.stub import ANY

    return ANY


def test_other_send_failures_keep_the_connection() -> None:
    client = boto3.client(
        "apigatewaymanagementapi", endpoint_url="https://x.example/dev", region_name="us-east-1"
    )
    with Stubber(client) as stubber:
        stubber.add_client_error("post_to_connection", service_error_code="LimitExceededException")
        assert ApiGatewaySender("x", client=client).send("c1", "{}") is SendResult.FAILED


def test_webhook_deliveries_are_queued_per_event_and_progress_step(world: World) -> None:
    every = new_webhook(
        "https://hooks.example.com/a",
        list(WebhookEvent),
        "s" * 32,
        progress_step_percent=25,
        created_by="ada",
    )
    final = new_webhook(
        "https://hooks.example.com/b",
        [WebhookEvent.PROCESSING_COMPLETED, WebhookEvent.PROCESSING_FAILED],
        "t" * 32,
        progress_step_percent=10,
        created_by="ada",
    )
    world.webhooks.create(every)
    world.webhooks.create(final)
    job = new_job(world)
    run_to_completion(world, job.job_id)
    failed = new_job(world)
    world.jobs.mark_running(failed.job_id, Stage.PREPARE)
    world.jobs.fail(failed.job_id, JobError(code="NOT_PDF", message="Not a PDF."))
    stream.process(world.stream_event(), world.notifier)

    queued = world.queued()
    assert all("secret" not in json.dumps(d) for d in queued)
    to_every = [(d["event"], d["data"]["job_id"]) for d in queued if d["webhook_id"] == every.webhook_id]
    to_final = [(d["event"], d["data"]["job_id"]) for d in queued if d["webhook_id"] == final.webhook_id]
    assert sorted(to_final) == sorted(
        [("processing_completed", job.job_id), ("processing_failed", failed.job_id)]
    )
    progress = [
        d["data"]["progress"]
        for d in queued
        if d["webhook_id"] == every.webhook_id and d["event"] == "processing_progress"
    ]
    # Text runs 10% -> 50%: crossings of 25 and 50; finalize (90%) crosses 75.
    assert progress == [26, 50, 90]
    assert ("processing_started", job.job_id) in to_every
    # Each is in the delivery log, pending, before the deliverer has seen it.
    log = DeliveryLog(world.db, world.auth_table)
    urls = {every.webhook_id: every.url, final.webhook_id: final.url}
    for d in queued:
        logged = log.get(d["delivery_id"])
        assert logged is not None and logged.status is DeliveryStatus.PENDING and logged.attempts == []
        assert logged.url == urls[d["webhook_id"]] and logged.event == d["event"] and logged.data == d["data"]


def test_non_job_items_and_failures(world: World) -> None:
    world.jobs.create_batch(Batch(batch_id="b-0123abcd", owner="olga", profile="generic"))
    assert stream.process(world.stream_event(), world.notifier) == {"batchItemFailures": []}

    class Broken(Notifier):
        def job_changed(self, old: Job | None, new: Job) -> int:
            raise RuntimeError("boom")

    job = new_job(world)
    world.jobs.mark_running(job.job_id, Stage.PREPARE)
    event = world.stream_event()
    broken = Broken(world.connections, world.sender, world.throttle, world.webhooks, world.sqs, "")
    result = stream.process(event, broken)
    # The first job record fails and stops the batch: Lambda retries from there, keeping the order.
    first_job_record = next(r for r in event["Records"] if r["dynamodb"]["Keys"]["job_id"]["S"] == job.job_id)
    assert result == {
        "batchItemFailures": [{"itemIdentifier": first_job_record["dynamodb"]["SequenceNumber"]}]
    }


def test_outbox_events_reach_everything_subscribers_and_their_webhooks(world: World) -> None:
    from paperlane.notify.messages import ConfigChanged
    from paperlane.storage.events import EventOutbox

    wants = new_webhook(
        "https://hooks.example.com/config",
        [WebhookEvent.CONFIG_CHANGED],
        "c" * 32,
        progress_step_percent=10,
        created_by="ada",
    )
    world.webhooks.create(wants)
    world.webhooks.create(
        new_webhook(
            "https://hooks.example.com/jobs-only",
            [WebhookEvent.PROCESSING_COMPLETED],
            "d" * 32,
            progress_step_percent=10,
            created_by="ada",
        )
    )
    world.connect("everything", ADMIN)
    world.send("everything", action="subscribe", all=True)
    world.connect("one-job", ADMIN)
    world.send("one-job", action="subscribe", job_id="f" * 32)

    change = ConfigChanged(kind="team_alias", action="created", name="Spurs", by="olga")
    EventOutbox(world.db, world.jobs_table).record(MessageType.CONFIG_CHANGED, change)
    world.snapshot()
    assert stream.process(world.stream_event(), world.notifier) == {"batchItemFailures": []}

    [heard] = world.received("everything")
    assert heard["type"] == "config_changed" and heard["data"] == change.model_dump()
    assert world.received("one-job") == []
    [delivery] = world.queued()
    assert delivery["webhook_id"] == wants.webhook_id and delivery["event"] == "config_changed"
    assert delivery["data"] == change.model_dump()
    # The outbox item is no job: it appears in no listing, and the table's TTL removes it.
    [item] = [i for i in world.db.scan(TableName=world.jobs_table)["Items"] if "ttl" in i]
    assert "listing" not in item and "status" not in item
    # Its expiry (REMOVE) says nothing.
    world.db.delete_item(TableName=world.jobs_table, Key={"job_id": item["job_id"]})
    world.snapshot()
    stream.process(world.stream_event(), world.notifier)
    assert world.received("everything") == [] and world.queued() == []


def test_notify_handler_with_the_sample_event(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBS_TABLE", world.jobs_table)
    monkeypatch.setenv("AUTH_TABLE", world.auth_table)
    monkeypatch.setenv("CONNECTIONS_TABLE", world.connections_table)
    monkeypatch.setenv("WEBSOCKET_ENDPOINT", "local")
    monkeypatch.setenv("WEBHOOK_QUEUE_URL", world.queue_url)
    from paperlane.notify.sender import LOCAL

    job_id = uuid.uuid4().hex
    connection_id = f"conn-{uuid.uuid4().hex[:8]}"
    LOCAL.register(connection_id)
    world.connections.connect(connection_id, ADMIN)
    world.connections.subscribe(connection_id, job_topic(job_id))
    world.webhooks.create(
        new_webhook(
            "https://hooks.example.com/c",
            [WebhookEvent.PROCESSING_COMPLETED],
            "u" * 32,
            progress_step_percent=10,
            created_by="ada",
        )
    )
    try:
        handler = load_handler("notify")
        assert handler(load_event("notify", JOB_ID=job_id), LambdaContext()) == {"batchItemFailures": []}
        [msg] = [json.loads(m) for m in LOCAL.drain(connection_id)]
        assert msg["type"] == MessageType.PROCESSING_COMPLETED
        assert msg["data"] == {
            "job_id": job_id,
            "batch_id": None,
            "result": {"pages": 12, "records": 3},
            "processing_time": 7.25,
        }
        [delivery] = world.queued()
        assert delivery["event"] == "processing_completed" and delivery["data"] == msg["data"]
    finally:
        LOCAL.unregister(connection_id)
        stream.notifier_for.cache_clear()


def test_batch_topic_helper() -> None:
    assert batch_topic("b-1") == "batch#b-1" and job_topic("j") == "job#j"


# ---------------------------------------------------------------------------- helpers


class LambdaContext:
    function_name = "paperlane-local-Function"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:paperlane-local-Function"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


def load_handler(function: str) -> Any:
    path = ROOT / "functions" / function / "app.py"
    spec = importlib.util.spec_from_file_location(f"notify_test_{function}_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler
