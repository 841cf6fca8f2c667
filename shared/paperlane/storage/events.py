"""The events outbox: messages about no job in particular (config_changed, download_completed...),
written as items of the jobs table so that its stream carries them to ``notify`` like job changes.

Why the jobs table and not a direct send: the API and the downloader then need nothing but the
table they already write; ``notify`` stays the one place that knows subscribers and webhooks, and
an event is delivered at least once, in stream order, even when ``notify`` is down for a while.

An event item is ``{job_id: "event#<uuid>", item: "event", type, data, timestamp, ttl}``. It has no
``listing``, ``status``, ``owner`` or ``batch_id``, so it never appears in a job listing or index,
and the table's TTL removes it a day later (a REMOVE the stream reader ignores).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from paperlane import clock
from paperlane.notify.messages import Message, MessageType, message
from paperlane.observability import logger
from paperlane.storage.dynamo import from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

EVENT_PREFIX = "event#"
ITEM_KIND = "event"
KEEP_SECONDS = 24 * 3600


class EventOutbox:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def record(self, kind: MessageType, data: BaseModel | dict[str, Any]) -> Message:
        """Put the event in the outbox; notify sends it to subscribers of everything and to webhooks."""
        msg = message(kind, data)
        item = {
            "job_id": f"{EVENT_PREFIX}{uuid.uuid4().hex}",
            "item": ITEM_KIND,
            "type": msg.type.value,
            "data": msg.data,
            "timestamp": msg.timestamp,
            "ttl": int(clock.now().timestamp()) + KEEP_SECONDS,
        }
        self._db.put_item(TableName=self._table, Item=to_item(item))
        return msg


def event_of(image: dict[str, Any] | None) -> Message | None:
    """The message an outbox item holds, from a stream image; None for any other item."""
    if not image:
        return None
    raw = from_item(image)
    if raw.get("item") != ITEM_KIND:
        return None
    try:
        return Message(type=raw["type"], data=raw.get("data") or {}, timestamp=raw["timestamp"])
    except (KeyError, ValidationError):
        logger.warning("Skipping an outbox item that is not a valid event", extra={"key": raw.get("job_id")})
        return None
