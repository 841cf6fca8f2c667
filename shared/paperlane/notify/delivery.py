"""Delivering one webhook event: sign, POST, classify the answer, retry with backoff or dead-letter.

Each SQS message is one ``Delivery`` (one event for one webhook). The secret is read from the webhook
item at send time, so it never travels through SQS, and a webhook deleted meanwhile gets nothing.

Retries and the DLQ:

- 2xx: delivered.
- 408, 429, 5xx, timeouts, connection errors: retried. The delivery goes back on the queue with
  ``DelaySeconds`` = ``WEBHOOK_BACKOFF_BASE_SECONDS * 2^(attempt-1)`` (at least ``Retry-After``; at
  most 900 s, SQS's limit), up to ``WEBHOOK_MAX_RETRIES`` retries after the first attempt.
- Any other answer (4xx, 3xx: redirects are not followed), or a host that is or resolves to a
  private address: a permanent failure, not retried. A name that does not resolve is retried (DNS, or
  the receiver, may be back later); it is never connected to.
- Retries spent, or a permanent failure: the delivery goes to ``WEBHOOK_DLQ_URL`` with a ``failure``
  block (reason, HTTP status, attempts). ``redeliver`` (the API) or a DLQ redrive back to the queue
  replays it (``from_message`` reads both shapes).
- Anything unexpected (the webhook table unreadable, SQS refusing the re-enqueue) raises: the record is
  reported as a batch item failure, SQS makes it visible again, and the queue's redrive policy
  (``maxReceiveCount``) moves it to the same DLQ in the end.

Connections go through the SSRF guard to the address it checked (paperlane.notify.egress), and an
attempt takes at most ``WEBHOOK_TIMEOUT_SECONDS`` in all (connect, TLS, request, answer).

The delivery log (paperlane.storage.deliveries) records every attempt (when, HTTP status or error, how
long) and the delivery's status: pending, delivered, failed, dead or dropped. Attempts are also logged
(delivery id, webhook id, event, attempt, outcome, status, host); URLs are not logged whole (their
paths and queries may hold tokens), and secrets never are.
"""

from __future__ import annotations

import json
import time
import uuid
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field

from paperlane import __version__, aws, clock
from paperlane.config import NotifySettings
from paperlane.errors import Conflict, NotFound
from paperlane.notify import signing
from paperlane.notify.egress import EgressRefused, NameUnresolved, Resolver, pinned_client
from paperlane.notify.webhooks import StoredWebhook, WebhookEvent, WebhookRepository
from paperlane.observability import logger
from paperlane.storage.deliveries import AttemptRecord, DeliveryLog, DeliveryRecord, DeliveryStatus

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_DELAY_SECONDS = 900  # SQS's largest DelaySeconds
_RETRIABLE_4XX = frozenset({408, 429})


class Delivery(BaseModel):
    """One event for one webhook, as it travels on the webhook queue."""

    delivery_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    webhook_id: str
    event: WebhookEvent
    timestamp: str = Field(default_factory=clock.iso)
    data: dict[str, Any]
    attempt: int = Field(default=1, ge=1)
    # How many times an admin asked for it again (each redelivery starts its retries afresh).
    redelivery: int = Field(default=0, ge=0)

    def body(self) -> bytes:
        """The payload POSTed, the same bytes on every attempt."""
        payload = {
            "event": self.event.value,
            "timestamp": self.timestamp,
            "data": self.data,
            "delivery_id": self.delivery_id,
        }
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def from_message(body: str) -> Delivery:
    """A delivery from a webhook queue message: a delivery, or a DLQ message (``{delivery,
    failure}``) moved back to the queue by a DLQ redrive, which starts its retries afresh."""
    raw = json.loads(body)
    if isinstance(raw, dict) and isinstance(raw.get("delivery"), dict) and "failure" in raw:
        return Delivery.model_validate({**raw["delivery"], "attempt": 1})
    return Delivery.model_validate(raw)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"  # permanent: not retried
    DROPPED = "dropped"  # the webhook is gone, or no longer wants this event


class Attempt(BaseModel):
    outcome: Outcome
    status: int | None = None
    reason: str
    retry_after: int | None = None
    duration_ms: int = 0


def classify(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status >= 500 or status in _RETRIABLE_4XX:
        return Outcome.RETRY
    return Outcome.FAILED


def backoff(attempt: int, base_seconds: int, retry_after: int | None = None) -> int:
    delay: int = base_seconds << max(0, attempt - 1)
    return min(MAX_DELAY_SECONDS, max(delay, retry_after or 0))


def post(
    delivery: Delivery, hook: StoredWebhook, client: httpx.Client, *, now: float | None = None
) -> Attempt:
    """Sign and POST once. Never raises for what the receiver or the network does. ``client`` must be
    a pinned client (paperlane.notify.egress): it is what refuses private addresses."""
    body = delivery.body()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Paperlane-Webhooks/{__version__}",
        signing.EVENT_HEADER: delivery.event.value,
        signing.DELIVERY_HEADER: delivery.delivery_id,
        **signing.sign_headers(hook.secret, body, now=now),
    }
    started = time.monotonic()

    def attempt(outcome: Outcome, reason: str, **more: Any) -> Attempt:
        duration_ms = round((time.monotonic() - started) * 1000)
        return Attempt(outcome=outcome, reason=reason, duration_ms=duration_ms, **more)

    try:
        # Streamed, and the body never read: only the status matters, however much the receiver sends.
        with client.stream("POST", hook.url, content=body, headers=headers) as response:
            status, retry_after = response.status_code, response.headers.get("retry-after")
    except NameUnresolved as refused:
        return attempt(Outcome.RETRY, refused.reason)
    except EgressRefused as refused:
        return attempt(Outcome.FAILED, refused.reason)
    except httpx.TimeoutException:
        return attempt(Outcome.RETRY, "timeout")
    except httpx.TransportError as exc:
        return attempt(Outcome.RETRY, f"connection error ({type(exc).__name__})")
    except httpx.HTTPError as exc:
        return attempt(Outcome.FAILED, f"request error ({type(exc).__name__})")
    return attempt(classify(status), f"HTTP {status}", status=status, retry_after=_retry_after(retry_after))


class Deliverer:
    def __init__(
        self,
        webhooks: WebhookRepository,
        sqs: SQSClient,
        log: DeliveryLog,
        *,
        queue_url: str,
        dlq_url: str,
        timeout_seconds: float,
        max_retries: int,
        backoff_base_seconds: int,
        allow_loopback: bool = False,
        resolver: Resolver | None = None,
    ) -> None:
        self._webhooks = webhooks
        self._sqs = sqs
        self._log = log
        self._queue_url = queue_url
        self._dlq_url = dlq_url
        self._max_retries = max_retries
        self._backoff_base = backoff_base_seconds
        # No redirects (a 3xx to an internal address would get round the SSRF check), no proxies, and
        # the timeout bounds an attempt in all.
        self._http = pinned_client(
            timeout=timeout_seconds, allow_loopback=allow_loopback, resolver=resolver, total=True
        )

    def deliver(self, delivery: Delivery) -> Outcome:
        hook = self._webhooks.get(delivery.webhook_id)
        if hook is None or delivery.event not in hook.events:
            dropped = Attempt(outcome=Outcome.DROPPED, reason="webhook deleted or no longer subscribed")
            self._logged(delivery, None, dropped, DeliveryStatus.DROPPED)
            return Outcome.DROPPED
        attempt = post(delivery, hook, self._http)
        if attempt.outcome is Outcome.DELIVERED:
            self._logged(delivery, hook, attempt, DeliveryStatus.DELIVERED)
            return Outcome.DELIVERED
        if attempt.outcome is Outcome.RETRY and delivery.attempt <= self._max_retries:
            # Logged before the SQS call: should that fail, the retried message is logged again.
            self._logged(delivery, hook, attempt, DeliveryStatus.PENDING)
            self._requeue(delivery, attempt)
            return Outcome.RETRY
        spent = attempt.outcome is Outcome.RETRY
        self._logged(delivery, hook, attempt, DeliveryStatus.DEAD if spent else DeliveryStatus.FAILED)
        self._dead_letter(delivery, attempt)
        return Outcome.FAILED

    def _requeue(self, delivery: Delivery, attempt: Attempt) -> None:
        if not self._queue_url:
            raise ValueError("WEBHOOK_QUEUE_URL is not set: cannot schedule the retry")
        delay = backoff(delivery.attempt, self._backoff_base, attempt.retry_after)
        again = delivery.model_copy(update={"attempt": delivery.attempt + 1})
        self._sqs.send_message(
            QueueUrl=self._queue_url, MessageBody=again.model_dump_json(), DelaySeconds=delay
        )

    def _dead_letter(self, delivery: Delivery, attempt: Attempt) -> None:
        if not self._dlq_url:
            # The queue's redrive policy takes it there after maxReceiveCount receives.
            raise RuntimeError(f"Webhook delivery failed ({attempt.reason}) and WEBHOOK_DLQ_URL is not set")
        body = {
            "delivery": delivery.model_dump(mode="json"),
            "failure": {
                "reason": attempt.reason,
                "status": attempt.status,
                "attempts": delivery.attempt,
                "failed_at": clock.iso(),
            },
        }
        self._sqs.send_message(QueueUrl=self._dlq_url, MessageBody=json.dumps(body))

    def _logged(
        self, delivery: Delivery, hook: StoredWebhook | None, attempt: Attempt, status: DeliveryStatus
    ) -> None:
        record = AttemptRecord(
            attempt=delivery.attempt,
            redelivery=delivery.redelivery,
            at=clock.iso(),
            outcome=attempt.outcome.value,
            status_code=attempt.status,
            error=None if attempt.outcome is Outcome.DELIVERED else attempt.reason,
            duration_ms=attempt.duration_ms,
        )
        self._log.attempted(delivery, record, status, url=hook.url if hook else None)
        logger.info(
            "Webhook delivery attempt",
            extra={
                "delivery_id": delivery.delivery_id,
                "webhook_id": delivery.webhook_id,
                "event": delivery.event.value,
                "attempt": delivery.attempt,
                "redelivery": delivery.redelivery,
                "outcome": attempt.outcome.value,
                "delivery_status": status.value,
                "status": attempt.status,
                "reason": attempt.reason,
                "duration_ms": attempt.duration_ms,
                "host": urlsplit(hook.url).hostname if hook else None,
            },
        )


def redeliver(
    delivery_id: str, log: DeliveryLog, webhooks: WebhookRepository, sqs: SQSClient, queue_url: str
) -> DeliveryRecord:
    """Queue a logged delivery again: the same payload and delivery_id (receivers de-duplicate on
    it), its retries afresh. NotFound when the log does not know it; Conflict when its webhook was
    deleted or no longer wants the event (nothing would be sent)."""
    found = log.get(delivery_id)
    if found is None:
        raise NotFound("No delivery with this id in the log.", details={"delivery_id": delivery_id})
    hook = webhooks.get(found.webhook_id)
    if hook is None or found.event not in hook.events:
        raise Conflict(
            "The webhook of this delivery was deleted or no longer subscribes to its event: "
            "register it again first.",
            details={"delivery_id": delivery_id, "webhook_id": found.webhook_id},
        )
    if not queue_url:
        raise ValueError("WEBHOOK_QUEUE_URL is not set: the delivery cannot be queued again")
    record = log.redelivering(delivery_id)
    again = Delivery(
        delivery_id=record.delivery_id,
        webhook_id=record.webhook_id,
        event=record.event,
        timestamp=record.timestamp,
        data=record.data,
        redelivery=record.redeliveries,
    )
    sqs.send_message(QueueUrl=queue_url, MessageBody=again.model_dump_json())
    return record


def enqueue(
    sqs: SQSClient,
    queue_url: str,
    deliveries: list[Delivery],
    log: DeliveryLog | None = None,
    *,
    urls: dict[str, str] | None = None,
) -> None:
    """Record deliveries in the log (pending), then put them on the webhook queue, ten per call;
    raise if SQS refuses any. ``urls``: each webhook id's URL, for the log."""
    if deliveries and not queue_url:
        raise ValueError("WEBHOOK_QUEUE_URL is not set: webhook deliveries cannot be queued")
    if log is not None and deliveries:
        log.queued([(d, (urls or {}).get(d.webhook_id)) for d in deliveries])
    for start in range(0, len(deliveries), 10):
        entries: Any = [
            {"Id": str(i), "MessageBody": d.model_dump_json()}
            for i, d in enumerate(deliveries[start : start + 10])
        ]
        resp = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if resp.get("Failed"):
            codes = sorted({f.get("Code", "") for f in resp["Failed"]})
            raise RuntimeError(f"SQS refused {len(resp['Failed'])} webhook deliveries: {codes}")


def _retry_after(value: str | None) -> int | None:
    if value and value.strip().isdigit():
        return int(value.strip())
    return None


@lru_cache(maxsize=8)
def deliverer_for(settings: NotifySettings) -> Deliverer:
    return Deliverer(
        WebhookRepository(aws.dynamodb(), settings.auth_table),
        aws.sqs(),
        DeliveryLog(aws.dynamodb(), settings.auth_table),
        queue_url=settings.webhook_queue_url,
        dlq_url=settings.webhook_dlq_url,
        timeout_seconds=settings.webhook_timeout_seconds,
        max_retries=settings.webhook_max_retries,
        backoff_base_seconds=settings.webhook_backoff_base_seconds,
        allow_loopback=settings.webhook_allow_loopback,
    )
