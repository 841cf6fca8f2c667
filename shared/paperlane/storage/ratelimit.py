"""Fixed-window request counters in DynamoDB, for API functions on AWS (RATE_LIMIT_BACKEND=dynamodb).

One conditional UpdateItem per request, on the item of the caller's current window: ``ADD hits 1``
unless ``hits`` already reached the limit. DynamoDB applies it atomically, so concurrent Lambda
containers never let more than ``limit`` requests through in a window. Items carry ``expires_at``
(a TTL attribute) one window after their own ends; TTL deletes them, nothing ever scans.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from paperlane.auth.ratelimit import WINDOW_SECONDS, Quota, window_start
from paperlane.observability import logger
from paperlane.storage.dynamo import is_conditional_failure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoWindowLimiter:
    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        window: int = WINDOW_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._db = client
        self._table = table
        self._window = window
        self._now = now

    def hit(self, key: str, limit: int) -> Quota | None:
        now = self._now()
        start = window_start(now, self._window)
        # Keys name users and client addresses: the table holds only a digest of them.
        pk = f"rl#{hashlib.sha256(key.encode()).hexdigest()[:40]}#{start}"
        try:
            resp = self._db.update_item(
                TableName=self._table,
                Key={"pk": {"S": pk}},
                UpdateExpression="SET expires_at = if_not_exists(expires_at, :expires) ADD hits :one",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires": {"N": str(start + 2 * self._window)},
                },
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return Quota.of(
                    allowed=False, limit=limit, count=limit, start=start, window=self._window, now=now
                )
            # Throttled or unavailable: let the request through (API Gateway's usage plans still
            # guard the API) rather than refuse every caller.
            logger.warning(
                "Rate limit not counted", extra={"error_code": exc.response.get("Error", {}).get("Code")}
            )
            return None
        except BotoCoreError as exc:
            logger.warning("Rate limit not counted", extra={"error_code": type(exc).__name__})
            return None
        count = int(resp["Attributes"]["hits"]["N"])
        return Quota.of(allowed=True, limit=limit, count=count, start=start, window=self._window, now=now)
