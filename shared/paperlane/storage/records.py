"""Extracted records in the records table: one item per page, game, deed... keyed by job."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from paperlane.errors import TransientError
from paperlane.storage.dynamo import decode_cursor, encode_cursor, from_item, to_item, translate

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

    def by_profile(
        self,
        profile: str,
        kind: str,
        *,
        equals: dict[str, str] | None = None,
        any_of: dict[str, str] | None = None,
        between: tuple[str, str, str] | None = None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of one profile's records of ``kind``, newest first, through the profile index.

        ``equals``: attribute == value for each; ``any_of``: at least one attribute == its value;
        ``between``: (attribute, low, high), both included. Filters apply to the index's pages, so a
        page is read until ``limit`` matches or the index ends."""
        names = {"#kind": "kind"}
        values: dict[str, Any] = {":p": {"S": profile}, ":kind": {"S": kind}}
        clauses = ["#kind = :kind"]
        for i, (attr, val) in enumerate((equals or {}).items()):
            names[f"#e{i}"], values[f":e{i}"] = attr, {"S": val}
            clauses.append(f"#e{i} = :e{i}")
        if any_of:
            alternatives = []
            for i, (attr, val) in enumerate(any_of.items()):
                names[f"#a{i}"], values[f":a{i}"] = attr, {"S": val}
                alternatives.append(f"#a{i} = :a{i}")
            clauses.append("(" + " OR ".join(alternatives) + ")")
        if between:
            attr, low, high = between
            names["#b"], values[":lo"], values[":hi"] = attr, {"S": low}, {"S": high}
            clauses.append("#b BETWEEN :lo AND :hi")
        start = decode_cursor(cursor)
        found: list[dict[str, Any]] = []
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": "profile-created-index",
                "KeyConditionExpression": "profile = :p",
                "FilterExpression": " AND ".join(clauses),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
                "ScanIndexForward": False,
                "Limit": max(limit - len(found), 25),
            }
            if start:
                kwargs["ExclusiveStartKey"] = start
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            for item in resp.get("Items", []):
                if len(found) < limit:
                    found.append(from_item(item))
                    last = item
            start = resp.get("LastEvaluatedKey")
            if len(found) >= limit:
                # Resume after the last record returned, not after the page read (it may hold more).
                keys = ("pk", "sk", "profile", "created_sk")
                return found, encode_cursor({k: last[k] for k in keys})
            if not start:
                return found, None


def _fit(record: dict[str, Any]) -> dict[str, Any]:
    """Keep an item under DynamoDB's 400 KB: a very long text is cut here (S3's result keeps it whole)."""
    text = record.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return {**record, "text": text[:MAX_TEXT_CHARS], "text_truncated": True}
    return record
