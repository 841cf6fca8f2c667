"""notify: the jobs table's stream (NEW_AND_OLD_IMAGES) -> messages -> subscribers and webhooks.

Records are handled one after another, in stream order, and each message is posted to every
subscriber before the next: messages for one job (one partition key, so one shard) arrive in order.
The first record that fails stops the batch and is reported (``batchItemFailures``); Lambda retries
from it, so nothing after it is sent out of order. Delivery is at least once: a retried batch may
repeat messages already posted.

Outbox items (paperlane.storage.events: config_changed, download_completed...) are published when
inserted. Other items of the jobs table that are not jobs (batches, the LLM breaker) are skipped.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from paperlane import aws
from paperlane.config import NotifySettings
from paperlane.jobs import Job, JobStatus
from paperlane.notify.connections import ALL, ConnectionRepository, batch_topic, job_topic
from paperlane.notify.delivery import Delivery, enqueue
from paperlane.notify.messages import Message, MessageType, messages_for_change
from paperlane.notify.sender import Sender, SendResult, sender_for
from paperlane.notify.throttle import ProgressPolicy, ProgressThrottle
from paperlane.notify.webhooks import StoredWebhook, WebhookEvent, WebhookRepository
from paperlane.observability import logger, metrics
from paperlane.storage.deliveries import DeliveryLog
from paperlane.storage.dynamo import from_item
from paperlane.storage.events import event_of

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# A webhook created or deleted is seen by a warm notify function within this long.
WEBHOOK_CACHE_SECONDS = 30.0


class Notifier:
    def __init__(
        self,
        connections: ConnectionRepository,
        sender: Sender,
        throttle: ProgressThrottle,
        webhooks: WebhookRepository,
        sqs: SQSClient,
        queue_url: str,
        webhook_cache_seconds: float = WEBHOOK_CACHE_SECONDS,
        log: DeliveryLog | None = None,
    ) -> None:
        self._cache_seconds = webhook_cache_seconds
        self._log = log
        self._connections = connections
        self._sender = sender
        self._throttle = throttle
        self._webhooks = webhooks
        self._sqs = sqs
        self._queue_url = queue_url
        self._hooks: list[StoredWebhook] = []
        self._hooks_read_at = float("-inf")

    # ------------------------------------------------------------------ a job changed

    def job_changed(self, old: Job | None, new: Job) -> int:
        """Send what the change means; how many WebSocket messages went out."""
        sent = 0
        topics = [job_topic(new.job_id), *([batch_topic(new.batch_id)] if new.batch_id else []), ALL]
        for msg in messages_for_change(old, new):
            if msg.type is MessageType.PROCESSING_STARTED:
                self._throttle.reset(new.job_id)
            sent += self._to_sockets(msg, topics, new)
            self._to_webhooks(msg, old, new)
        return sent

    def publish(self, msg: Message, *, event: WebhookEvent | None = None) -> int:
        """A message about no job in particular (file_detected, system_error...): to subscribers of
        everything, and to the webhooks that want ``event`` (by default, the message's type)."""
        sent = self.broadcast(msg, [ALL])
        hook_event = event or _webhook_event(msg.type)
        if hook_event is not None:
            self._enqueue(self._hooks_for(hook_event), hook_event, msg)
        return sent

    # ------------------------------------------------------------------ WebSockets

    def broadcast(self, msg: Message, topics: list[str]) -> int:
        ids = list(dict.fromkeys(cid for topic in topics for cid in self._connections.subscribers(topic)))
        return self._send_all(msg, ids)

    def _to_sockets(self, msg: Message, topics: list[str], job: Job) -> int:
        ids = list(dict.fromkeys(cid for topic in topics for cid in self._connections.subscribers(topic)))
        if not ids:
            return 0
        if msg.type is MessageType.PROCESSING_PROGRESS and not self._throttle.allow(
            job.job_id, int(msg.data["progress"]), str(msg.data["stage"])
        ):
            metrics.add_metric(name="ProgressThrottled", unit="Count", value=1)
            return 0
        return self._send_all(msg, ids)

    def _send_all(self, msg: Message, connection_ids: list[str]) -> int:
        payload = msg.to_json()
        sent = 0
        for cid in connection_ids:
            result = self._sender.send(cid, payload)
            if result is SendResult.GONE:
                # The client went away without a $disconnect (or it was lost): forget it now.
                self._connections.disconnect(cid)
                metrics.add_metric(name="WebSocketGone", unit="Count", value=1)
            elif result is SendResult.SENT:
                sent += 1
        return sent

    # ------------------------------------------------------------------ webhooks

    def _to_webhooks(self, msg: Message, old: Job | None, new: Job) -> None:
        event = _webhook_event(msg.type)
        if event is None:
            return
        hooks = self._hooks_for(event)
        if event is WebhookEvent.PROCESSING_PROGRESS:
            before = old.progress_percent if old is not None and old.status is JobStatus.RUNNING else 0
            after = new.progress_percent
            # Stateless: a webhook hears progress each time it crosses a multiple of its step.
            hooks = [h for h in hooks if before // h.progress_step_percent < after // h.progress_step_percent]
        self._enqueue(hooks, event, msg)

    def _hooks_for(self, event: WebhookEvent) -> list[StoredWebhook]:
        now = time.monotonic()
        if now - self._hooks_read_at >= self._cache_seconds:
            self._hooks = self._webhooks.list_all()
            self._hooks_read_at = now
        return [h for h in self._hooks if event in h.events]

    def _enqueue(self, hooks: list[StoredWebhook], event: WebhookEvent, msg: Message) -> None:
        if not hooks:
            return
        deliveries = [
            Delivery(webhook_id=h.webhook_id, event=event, timestamp=msg.timestamp, data=msg.data)
            for h in hooks
        ]
        enqueue(self._sqs, self._queue_url, deliveries, self._log, urls={h.webhook_id: h.url for h in hooks})
        metrics.add_metric(name="WebhookDeliveriesQueued", unit="Count", value=len(deliveries))


def _webhook_event(kind: MessageType) -> WebhookEvent | None:
    try:
        return WebhookEvent(kind.value)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- the stream


def images(record: dict[str, Any]) -> tuple[Job | None, Job | None]:
    """(old, new) jobs of a stream record; None where absent or not a job item."""
    change = record.get("dynamodb") or {}
    return _job(change.get("OldImage")), _job(change.get("NewImage"))


def _job(image: dict[str, Any] | None) -> Job | None:
    if not image:
        return None
    raw = from_item(image)
    if raw.get("listing") != "job":
        return None
    try:
        return Job.model_validate(raw)
    except ValidationError:
        # Retrying would not make it valid: log (no values: they may hold file names) and move on.
        logger.warning(
            "Skipping a jobs-table item that is not a valid job", extra={"job_id": raw.get("job_id")}
        )
        return None


def process(event: dict[str, Any], notifier: Notifier) -> dict[str, Any]:
    """Handle a DynamoDB stream batch; stop at the first failure and report it (ordering)."""
    for record in event.get("Records", []):
        try:
            inserted = (record.get("dynamodb") or {}).get("NewImage")
            if record.get("eventName") == "INSERT" and (outboxed := event_of(inserted)):
                notifier.publish(outboxed)
                continue
            old, new = images(record)
            if new is not None:
                notifier.job_changed(old, new)
        except Exception:  # noqa: BLE001 - any failure: Lambda retries from this record
            sequence = (record.get("dynamodb") or {}).get("SequenceNumber", "")
            logger.exception("Notify failed on a stream record", extra={"sequence_number": sequence})
            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
    return {"batchItemFailures": []}


@lru_cache(maxsize=8)
def notifier_for(settings: NotifySettings) -> Notifier:
    db = aws.dynamodb()
    connections = ConnectionRepository(
        db, settings.connections_table, ttl_seconds=settings.connection_ttl_seconds
    )
    policy = ProgressPolicy(
        min_interval_seconds=settings.progress_min_interval_seconds,
        min_step_percent=settings.progress_min_step_percent,
    )
    return Notifier(
        connections=connections,
        sender=sender_for(settings.websocket_endpoint),
        throttle=ProgressThrottle(db, settings.connections_table, policy),
        webhooks=WebhookRepository(db, settings.auth_table),
        sqs=aws.sqs(),
        queue_url=settings.webhook_queue_url,
        webhook_cache_seconds=settings.webhook_cache_seconds,
        log=DeliveryLog(db, settings.auth_table),
    )
