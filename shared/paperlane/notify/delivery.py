"""Delivering one webhook event: sign, POST, classify the answer, retry with backoff or dead-letter.

Each SQS message is one ``Delivery`` (one event for one webhook). The secret is read from the webhook
item at send time, so it never travels through SQS, and a webhook deleted meanwhile gets nothing.

Retries and the DLQ:

- 2xx: delivered.
- 408, 429, 5xx, timeouts, connection errors: retried. The delivery goes back on the queue with
  ``DelaySeconds`` = ``WEBHOOK_BACKOFF_BASE_SECONDS * 2^(attempt-1)`` (at least ``Retry-After``; at
  most 900 s, SQS's limit), up to ``WEBHOOK_MAX_RETRIES`` retries after the first attempt.
- Any other answer (4xx, 3xx: redirects are not followed), or a host that resolves to a private
  address: a permanent failure, not retried.
- Retries spent, or a permanent failure: the delivery goes to ``WEBHOOK_DLQ_URL`` with a ``failure``
  block (reason, HTTP status, attempts). Replay it by sending its ``delivery`` back to the queue.
- Anything unexpected (the webhook table unreadable, SQS refusing the re-enqueue) raises: the record is
  reported as a batch item failure, SQS makes it visible again, and the queue's redrive policy
  (``maxReceiveCount``) moves it to the same DLQ in the end.

Every attempt is logged (delivery id, webhook id, event, attempt, outcome, status, host): the delivery
log. URLs are not logged whole (their paths and queries may hold tokens); secrets never are.
"""

from __future__ import annotations

import json
import uuid
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field

from paperlane import __version__, aws, clock
from paperlane.config import NotifySettings
from paperlane.notify import signing
from paperlane.notify.webhooks import (
    StoredWebhook,
    WebhookEvent,
    WebhookRepository,
    resolves_publicly,
)
from paperlane.observability import logger

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

    def body(self) -> bytes:
        """The payload POSTed, the same bytes on every attempt."""
        payload = {
            "event": self.event.value,
            "timestamp": self.timestamp,
            "data": self.data,
            "delivery_id": self.delivery_id,
        }
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


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
    delivery: Delivery,
    hook: StoredWebhook,
    client: httpx.Client,
    *,
    now: float | None = None,
    allow_loopback: bool = False,
) -> Attempt:
    """Sign and POST once. Never raises for what the receiver or the network does."""
    host = (urlsplit(hook.url).hostname or "").lower()
    if not resolves_publicly(host, allow_loopback=allow_loopback):
        return Attempt(outcome=Outcome.FAILED, reason="the host resolves to a private or reserved address")
    body = delivery.body()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Paperlane-Webhooks/{__version__}",
        signing.EVENT_HEADER: delivery.event.value,
        signing.DELIVERY_HEADER: delivery.delivery_id,
        **signing.sign_headers(hook.secret, body, now=now),
    }
    try:
        response = client.post(hook.url, content=body, headers=headers)
    except httpx.TimeoutException:
        return Attempt(outcome=Outcome.RETRY, reason="timeout")
    except httpx.TransportError as exc:
        return Attempt(outcome=Outcome.RETRY, reason=f"connection error ({type(exc).__name__})")
    except httpx.HTTPError as exc:
        return Attempt(outcome=Outcome.FAILED, reason=f"request error ({type(exc).__name__})")
    outcome = classify(response.status_code)
    return Attempt(
        outcome=outcome,
        status=response.status_code,
        reason=f"HTTP {response.status_code}",
        retry_after=_retry_after(response.headers.get("retry-after")),
    )


class Deliverer:
    def __init__(
        self,
        webhooks: WebhookRepository,
        sqs: SQSClient,
        *,
        queue_url: str,
        dlq_url: str,
        timeout_seconds: float,
        max_retries: int,
        backoff_base_seconds: int,
        http: httpx.Client | None = None,
        allow_loopback: bool = False,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._webhooks = webhooks
        self._sqs = sqs
        self._queue_url = queue_url
        self._dlq_url = dlq_url
        self._max_retries = max_retries
        self._backoff_base = backoff_base_seconds
        # No redirects: a 3xx to an internal address would get round the SSRF check.
        self._http = http or httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def deliver(self, delivery: Delivery) -> Outcome:
        hook = self._webhooks.get(delivery.webhook_id)
        if hook is None or delivery.event not in hook.events:
            self._log(delivery, None, Attempt(outcome=Outcome.DROPPED, reason="webhook deleted or changed"))
            return Outcome.DROPPED
        attempt = post(delivery, hook, self._http, allow_loopback=self._allow_loopback)
        self._log(delivery, hook, attempt)
        if attempt.outcome is Outcome.DELIVERED:
            return Outcome.DELIVERED
        if attempt.outcome is Outcome.RETRY and delivery.attempt <= self._max_retries:
            self._requeue(delivery, attempt)
            return Outcome.RETRY
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

    def _log(self, delivery: Delivery, hook: StoredWebhook | None, attempt: Attempt) -> None:
        logger.info(
            "Webhook delivery attempt",
            extra={
                "delivery_id": delivery.delivery_id,
                "webhook_id": delivery.webhook_id,
                "event": delivery.event.value,
                "attempt": delivery.attempt,
                "outcome": attempt.outcome.value,
                "status": attempt.status,
                "reason": attempt.reason,
                "host": urlsplit(hook.url).hostname if hook else None,
            },
        )


def enqueue(sqs: SQSClient, queue_url: str, deliveries: list[Delivery]) -> None:
    """Put deliveries on the webhook queue, ten per call; raise if SQS refuses any."""
    if deliveries and not queue_url:
        raise ValueError("WEBHOOK_QUEUE_URL is not set: webhook deliveries cannot be queued")
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
        queue_url=settings.webhook_queue_url,
        dlq_url=settings.webhook_dlq_url,
        timeout_seconds=settings.webhook_timeout_seconds,
        max_retries=settings.webhook_max_retries,
        backoff_base_seconds=settings.webhook_backoff_base_seconds,
        allow_loopback=settings.webhook_allow_loopback,
    )
