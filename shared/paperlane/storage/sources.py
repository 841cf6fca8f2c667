"""Download sources (paperlane.fetch) in the records table.

All sources share one partition (``pk = "fetch-source"``, ``sk = <source_id>``): there are few, and one
Query lists them in id order. Like custom profiles, they carry no ``profile``/``created_sk``, so the
table's indexes never see them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from paperlane.errors import Conflict, NotFound
from paperlane.fetch.sources import Source, SourceRun
from paperlane.storage.dynamo import (
    delete_existing,
    from_item,
    is_conditional_failure,
    query_all,
    to_item,
    translate,
    value,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_PK = "fetch-source"
# What PATCH may change; the rest is set on creation or by runs.
EDITABLE = frozenset({"url", "profile", "enabled", "max_files"})


class SourceRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def create(self, source: Source) -> None:
        item = {"pk": _PK, "sk": source.source_id, **source.model_dump(mode="json")}
        try:
            self._db.put_item(
                TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise Conflict(
                    f"A source named {source.source_id!r} already exists.",
                    details={"source_id": source.source_id},
                ) from None
            raise translate(exc) from exc

    def get(self, source_id: str) -> Source | None:
        try:
            resp = self._db.get_item(TableName=self._table, Key=_key(source_id), ConsistentRead=True)
        except ClientError as exc:
            raise translate(exc) from exc
        item = resp.get("Item")
        return _source(from_item(item)) if item else None

    def list(self) -> list[Source]:
        """Every source, by id."""
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _PK}},
        )
        return [_source(i) for i in items]

    def update(self, source_id: str, changes: dict[str, Any]) -> Source:
        """Set some of ``EDITABLE``; NotFound when the source does not exist. Returns the new source."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if not changes:
            found = self.get(source_id)
            if found is None:
                raise _not_found(source_id)
            return found
        names = {f"#{k}": k for k in changes}
        values = {f":{k}": value(v) for k, v in changes.items()}
        try:
            resp = self._db.update_item(
                TableName=self._table,
                Key=_key(source_id),
                UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in changes),
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise _not_found(source_id) from None
            raise translate(exc) from exc
        return _source(from_item(resp["Attributes"]))

    def record_run(self, run: SourceRun, at: str) -> bool:
        """Store a run's outcome on its source; False when the source was deleted meanwhile."""
        values: dict[str, Any] = {
            ":at": value(at),
            ":status": value(run.status),
            ":files": value(run.files),
            ":skipped": value(run.skipped),
        }
        expression = "SET last_run_at = :at, last_status = :status, last_files = :files, "
        expression += "last_skipped = :skipped"
        if run.error is not None:
            values[":error"] = value(run.error.model_dump())
            expression += ", last_error = :error"
        else:
            expression += " REMOVE last_error"
        try:
            self._db.update_item(
                TableName=self._table,
                Key=_key(run.source_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def delete(self, source_id: str) -> bool:
        return delete_existing(self._db, self._table, _key(source_id))


def _key(source_id: str) -> dict[str, Any]:
    return {"pk": {"S": _PK}, "sk": {"S": source_id}}


def _not_found(source_id: str) -> NotFound:
    return NotFound(f"No source named {source_id!r}.", details={"source_id": source_id})


def _source(raw: dict[str, Any]) -> Source:
    return Source.model_validate({k: v for k, v in raw.items() if k not in ("pk", "sk")})
