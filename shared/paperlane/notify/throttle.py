"""Progress rate limit per job, shared by every notify invocation.

A progress message goes out when the stage changed, when progress rose by at least ``min_step_percent``
since the last one sent, or when ``min_interval_seconds`` passed since it and progress moved at all.
Everything else is dropped (the next one carries newer numbers). Started, completed and failed
messages are never throttled.

State lives in one small item per job in the connections table, ``pk = throttle#<job_id>``,
``sk = progress``, with ``progress``, ``stage``, ``sent_at`` (epoch seconds) and a one-day ``ttl``.
The decision is a single conditional UpdateItem, so two invocations (stream shards are processed
in parallel, Lambda containers come and go) can never both send the same step. ``processing_started``
deletes the item: a re-run starts from zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from paperlane.storage.dynamo import is_conditional_failure, translate

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_TTL_SECONDS = 24 * 3600


class ProgressPolicy(BaseModel):
    min_interval_seconds: float = Field(default=5.0, ge=0)
    min_step_percent: int = Field(default=10, ge=1, le=100)


class LastSent(BaseModel):
    progress: int
    stage: str
    sent_at: float


def should_send(last: LastSent | None, progress: int, stage: str, now: float, policy: ProgressPolicy) -> bool:
    """The rule itself (ProgressThrottle.allow asks DynamoDB the same question, atomically)."""
    if last is None or last.stage != stage:
        return True
    if progress - last.progress >= policy.min_step_percent:
        return True
    return now - last.sent_at >= policy.min_interval_seconds and progress > last.progress


class ProgressThrottle:
    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        policy: ProgressPolicy,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = client
        self._table = table
        self._policy = policy
        self._clock = clock

    def allow(self, job_id: str, progress: int, stage: str) -> bool:
        """True (and remembered as sent) when this progress message should go out."""
        now = self._clock()
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_key(job_id),
                UpdateExpression="SET #p = :p, #s = :s, #at = :now, #ttl = :ttl",
                ConditionExpression=(
                    "attribute_not_exists(pk) OR #s <> :s OR #p <= :floor OR (#at <= :cutoff AND #p < :p)"
                ),
                ExpressionAttributeNames={"#p": "progress", "#s": "stage", "#at": "sent_at", "#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":p": {"N": str(progress)},
                    ":s": {"S": stage},
                    ":now": {"N": _number(now)},
                    ":ttl": {"N": str(int(now) + _TTL_SECONDS)},
                    ":floor": {"N": str(progress - self._policy.min_step_percent)},
                    ":cutoff": {"N": _number(now - self._policy.min_interval_seconds)},
                },
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def reset(self, job_id: str) -> None:
        try:
            self._db.delete_item(TableName=self._table, Key=_key(job_id))
        except ClientError as exc:
            raise translate(exc) from exc

    def last(self, job_id: str) -> LastSent | None:
        item = self._db.get_item(TableName=self._table, Key=_key(job_id), ConsistentRead=True).get("Item")
        if not item:
            return None
        return LastSent(
            progress=int(item["progress"]["N"]),
            stage=item["stage"]["S"],
            sent_at=float(item["sent_at"]["N"]),
        )


def _key(job_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"throttle#{job_id}"}, "sk": {"S": "progress"}}


def _number(value: float) -> str:
    return f"{value:.3f}"
