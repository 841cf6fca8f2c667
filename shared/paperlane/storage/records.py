"""Extracted records in the records table: one item per page, game, deed... keyed by job."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from paperlane.errors import TransientError
from paperlane.storage.dynamo import from_item, to_item, translate

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# DynamoDB items are limited to 400 KB; long page texts stay whole in the S3 result.
MAX_TEXT_CHARS = 100_000
_MAX_ATTEMPTS = 8


class RecordRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def replace(
        self,
        job_id: str,
        profile: str,
        created_at: str,
        kind: str,
        records: list[dict[str, Any]],
        *,
        owner: str | None = None,
    ) -> int:
        """Write a job's records of one kind (re-runs overwrite the same keys). Returns how many.
        ``owner`` (the job's) lets listings show operators only their own records."""
        items = [
            to_item(
                {
                    **_fit(record),
                    "pk": job_id,
                    "sk": f"{kind}#{n:06d}",
                    "profile": profile,
                    "kind": kind,
                    "created_sk": f"{created_at}#{job_id}#{n:06d}",
                    "record_owner": owner,
                    # Records with a day of their own (a game's kick-off) are found by it too.
                    "record_date": date_key(profile, kind, record["date"])
                    if isinstance(record.get("date"), str) and record["date"]
                    else None,
                }
            )
            for n, record in enumerate(records, start=1)
        ]
        for start in range(0, len(items), 25):
            pending: list[Any] = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
            for attempt in range(_MAX_ATTEMPTS):
                if not pending:
                    break
                if attempt:
                    # Unprocessed items mean throttling: back off with full jitter before retrying them.
                    time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))  # noqa: S311
                try:
                    resp = self._db.batch_write_item(RequestItems={self._table: pending})
                except ClientError as exc:
                    raise translate(exc) from exc
                pending = resp.get("UnprocessedItems", {}).get(self._table, [])
            if pending:
                raise TransientError("DynamoDB kept throttling record writes; the step will be retried.")
        return len(items)

    def for_job(self, job_id: str, kind: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        start = None
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :kind)",
                "ExpressionAttributeValues": {":pk": {"S": job_id}, ":kind": {"S": f"{kind}#"}},
            }
            if start:
                kwargs["ExclusiveStartKey"] = start
            resp = self._db.query(**kwargs)
            out.extend(from_item(i) for i in resp.get("Items", []))
            start = resp.get("LastEvaluatedKey")
            if not start:
                return out

    def select(self, query: RecordQuery) -> Iterator[dict[str, Any]]:
        """Every record matching ``query``, newest first, page by page (Query on an index, never Scan).

        A ``date`` uses the date index (records carrying a ``date``); otherwise the profile index,
        with ``created`` (upload-time bounds) in the key condition. The other filters apply to the
        index's pages."""
        names, values, clauses = {"#kind": "kind"}, {":kind": {"S": query.kind}}, ["#kind = :kind"]
        for i, (attr, val) in enumerate(query.equals.items()):
            names[f"#e{i}"], values[f":e{i}"] = attr, {"S": val}
            clauses.append(f"#e{i} = :e{i}")
        if query.any_of:
            alternatives = []
            for i, (attr, val) in enumerate(query.any_of.items()):
                names[f"#a{i}"], values[f":a{i}"] = attr, {"S": val}
                alternatives.append(f"#a{i} = :a{i}")
            clauses.append("(" + " OR ".join(alternatives) + ")")
        if query.date:
            index, key = "date-index", "record_date = :k"
            values[":k"] = {"S": date_key(query.profile, query.kind, query.date)}
        else:
            index, key = "profile-created-index", "profile = :k"
            values[":k"] = {"S": query.profile}
        if query.created:
            key += " AND created_sk BETWEEN :lo AND :hi"
            values[":lo"], values[":hi"] = {"S": query.created[0]}, {"S": query.created[1] + "\uffff"}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": key,
            "FilterExpression": " AND ".join(clauses),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        while True:
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            yield from (from_item(i) for i in resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


class RecordQuery(BaseModel):
    """Which records ``RecordRepository.select`` returns."""

    profile: str
    kind: str
    # attribute == value, for each
    equals: dict[str, str] = Field(default_factory=dict)
    # at least one attribute == its value
    any_of: dict[str, str] = Field(default_factory=dict)
    # the record's own date (YYYY-MM-DD), e.g. a game's kick-off day
    date: str | None = None
    # upload days, both included (YYYY-MM-DD)
    created: tuple[str, str] | None = None


def date_key(profile: str, kind: str, date: str) -> str:
    return f"{profile}#{kind}#{date}"


def _fit(record: dict[str, Any]) -> dict[str, Any]:
    """Keep an item under DynamoDB's 400 KB: a very long text is cut here (S3's result keeps it whole)."""
    text = record.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return {**record, "text": text[:MAX_TEXT_CHARS], "text_truncated": True}
    return record
