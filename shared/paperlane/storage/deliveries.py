"""The webhook delivery log, in the auth table beside the webhooks (paperlane.notify.webhooks).

One item per delivery (one event for one webhook), written when ``notify`` queues it and updated by
the deliverer after every attempt:

- ``pk = delivery#<delivery_id>``: read by id (redelivery);
- ``kind = delivery``, ``sort = <queued_at>#<delivery_id>``: the ``kind-index`` GSI lists the log by
  Query, newest first (``ScanIndexForward=False``); ``status``, ``event`` and ``url`` filter its pages;
- ``status``: pending (queued, or waiting for a retry), delivered, failed (refused for good: a 4xx, a
  redirect, a private address), dead (retries spent), dropped (the webhook was deleted or no longer
  wants the event). Failed and dead deliveries are in the webhook DLQ;
- ``attempts``: every POST (when, HTTP status or error, how long), in order;
- the payload (``event``, ``timestamp``, and ``data`` as a JSON string: attribute values would drop its
  nulls), so a redelivery sends the same body;
- ``ttl``: the table's TTL removes the item ``KEEP_SECONDS`` after it was queued or last redelivered.

Every delivery shares one partition of the index: DynamoDB takes about 1,000 writes a second there,
far above what webhooks send (each attempt is one write).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from paperlane import clock
from paperlane.errors import NotFound, TransientError
from paperlane.notify.webhooks import WebhookEvent
from paperlane.storage.dynamo import (
    decode_cursor,
    encode_cursor,
    from_item,
    is_conditional_failure,
    to_item,
    translate,
    value,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from paperlane.notify.delivery import Delivery

KIND = "delivery"
KEEP_SECONDS = 30 * 24 * 3600
# A filtered listing reads at most this many index pages per request, then returns its cursor.
MAX_QUERIES_PER_PAGE = 10
_KEYS = ("pk", "kind", "sort", "ttl")


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD = "dead"
    DROPPED = "dropped"


class AttemptRecord(BaseModel):
    attempt: int = Field(description="1 for the first try; counting starts again at each redelivery")
    redelivery: int = Field(default=0, description="0 until an admin redelivers, then 1, 2...")
    at: str
    outcome: str = Field(description="delivered, retry, failed or dropped")
    status_code: int | None = None
    error: str | None = Field(default=None, description="Why it was not delivered (timeout, HTTP 503...)")
    duration_ms: int = 0


class DeliveryRecord(BaseModel):
    delivery_id: str
    webhook_id: str
    url: str | None = None
    event: WebhookEvent
    timestamp: str = Field(description="The payload's timestamp: when the event happened")
    data: dict[str, Any] = Field(default_factory=dict)
    status: DeliveryStatus
    queued_at: str
    updated_at: str
    attempts: list[AttemptRecord] = Field(default_factory=list)
    redeliveries: int = 0
    delivered_at: str | None = None
    dead_lettered_at: str | None = None


class DeliveryPage(BaseModel):
    items: list[DeliveryRecord]
    next_cursor: str | None


class DeliveryLog:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def queued(self, deliveries: Sequence[tuple[Delivery, str | None]]) -> None:
        """Record deliveries (each with its webhook's URL) as pending, before they go on the queue."""
        now = clock.iso()
        items = [
            {
                "PutRequest": {
                    "Item": to_item(
                        {
                            **_identity(delivery, url, now),
                            "status": DeliveryStatus.PENDING.value,
                            "updated_at": now,
                            "attempts": [],
                            "redeliveries": 0,
                        }
                    )
                }
            }
            for delivery, url in deliveries
        ]
        for start in range(0, len(items), 25):
            self._write_batch(items[start : start + 25])

    def attempted(
        self, delivery: Delivery, attempt: AttemptRecord, status: DeliveryStatus, *, url: str | None
    ) -> None:
        """Append an attempt and set the status. Upserts: a delivery queued before the log existed,
        or whose item expired, gets one now."""
        now = clock.iso()
        identity = _identity(delivery, url, now)
        values: dict[str, Any] = {
            ":status": value(status.value),
            ":attempt": value([attempt.model_dump()]),
            ":empty": value([]),
            ":now": value(now),
            ":zero": value(0),
            **{f":{k}": value(v) for k, v in identity.items() if v is not None},
        }
        sets = [
            "#status = :status",
            "attempts = list_append(if_not_exists(attempts, :empty), :attempt)",
            "updated_at = :now",
            "redeliveries = if_not_exists(redeliveries, :zero)",
        ]
        # What queued() wrote stays as it was (queued_at is part of the listing's sort key).
        sets += [
            f"#{k} = if_not_exists(#{k}, :{k})" for k, v in identity.items() if k != "pk" and v is not None
        ]
        if status is DeliveryStatus.DELIVERED:
            sets.append("delivered_at = :now")
        elif status in (DeliveryStatus.DEAD, DeliveryStatus.FAILED):
            sets.append("dead_lettered_at = :now")
        names = {
            "#status": "status",
            **{f"#{k}": k for k, v in identity.items() if k != "pk" and v is not None},
        }
        values.pop(":pk")
        try:
            self._db.update_item(
                TableName=self._table,
                Key={"pk": {"S": _pk(delivery.delivery_id)}},
                UpdateExpression="SET " + ", ".join(sets),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            raise translate(exc) from exc

    def redelivering(self, delivery_id: str) -> DeliveryRecord:
        """Mark a delivery pending again for a redelivery (and keep it KEEP_SECONDS more); NotFound
        when the log does not know it."""
        try:
            resp = self._db.update_item(
                TableName=self._table,
                Key={"pk": {"S": _pk(delivery_id)}},
                UpdateExpression="SET #status = :pending, updated_at = :now, #ttl = :ttl "
                "ADD redeliveries :one",
                ConditionExpression="attribute_exists(pk) AND kind = :kind",
                ExpressionAttributeNames={"#status": "status", "#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":pending": value(DeliveryStatus.PENDING.value),
                    ":now": value(clock.iso()),
                    ":ttl": value(_expiry()),
                    ":one": value(1),
                    ":kind": value(KIND),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise _not_found(delivery_id) from None
            raise translate(exc) from exc
        return _record(from_item(resp["Attributes"]))

    def get(self, delivery_id: str) -> DeliveryRecord | None:
        try:
            resp = self._db.get_item(TableName=self._table, Key={"pk": {"S": _pk(delivery_id)}})
        except ClientError as exc:
            raise translate(exc) from exc
        item = from_item(resp.get("Item") or {})
        return _record(item) if item.get("kind") == KIND else None

    def page(
        self,
        *,
        status: DeliveryStatus | None = None,
        event: WebhookEvent | None = None,
        url: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> DeliveryPage:
        """Newest first. With filters, a page may hold fewer than ``limit`` items and still have a
        ``next_cursor``: the log is read a bounded number of index pages per call."""
        filters = {
            "status": status.value if status else None,
            "event": event.value if event else None,
            "url": url,
        }
        clauses = [f"#{k} = :{k}" for k, v in filters.items() if v is not None]
        names = {f"#{k}": k for k, v in filters.items() if v is not None}
        values = {":kind": value(KIND), **{f":{k}": value(v) for k, v in filters.items() if v is not None}}
        start = decode_cursor(cursor)
        found: list[dict[str, Any]] = []
        for _ in range(MAX_QUERIES_PER_PAGE):
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": "kind-index",
                "KeyConditionExpression": "kind = :kind",
                "ExpressionAttributeValues": values,
                "ScanIndexForward": False,
                "Limit": limit - len(found),
            }
            if clauses:
                kwargs["FilterExpression"] = " AND ".join(clauses)
                kwargs["ExpressionAttributeNames"] = names
            if start:
                kwargs["ExclusiveStartKey"] = start
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            found.extend(from_item(i) for i in resp.get("Items", []))
            start = resp.get("LastEvaluatedKey")
            if not start or len(found) >= limit:
                break
        return DeliveryPage(items=[_record(r) for r in found], next_cursor=encode_cursor(start))

    def _write_batch(self, requests: list[dict[str, Any]]) -> None:
        pending: Any = {self._table: requests}
        for _ in range(5):
            try:
                resp = self._db.batch_write_item(RequestItems=pending)
            except ClientError as exc:
                raise translate(exc) from exc
            pending = resp.get("UnprocessedItems") or {}
            if not pending:
                return
        raise TransientError("DynamoDB left webhook delivery log items unwritten; the batch is retried.")


def _identity(delivery: Delivery, url: str | None, now: str) -> dict[str, Any]:
    return {
        "pk": _pk(delivery.delivery_id),
        "kind": KIND,
        "sort": f"{now}#{delivery.delivery_id}",
        "queued_at": now,
        "delivery_id": delivery.delivery_id,
        "webhook_id": delivery.webhook_id,
        "url": url,
        "event": delivery.event.value,
        "timestamp": delivery.timestamp,
        "data": json.dumps(delivery.data, separators=(",", ":"), ensure_ascii=False),
        "ttl": _expiry(),
    }


def _expiry() -> int:
    return int(clock.now().timestamp()) + KEEP_SECONDS


def _pk(delivery_id: str) -> str:
    return f"{KIND}#{delivery_id}"


def _not_found(delivery_id: str) -> NotFound:
    return NotFound("No delivery with this id in the log.", details={"delivery_id": delivery_id})


def _record(raw: dict[str, Any]) -> DeliveryRecord:
    fields = {k: v for k, v in raw.items() if k not in _KEYS}
    if isinstance(fields.get("data"), str):
        fields["data"] = json.loads(fields["data"])
    return DeliveryRecord.model_validate(fields)
