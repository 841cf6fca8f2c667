"""Custom profiles (a JSON schema and instructions for the LLM) in the records table.

All specs share one partition (``pk = "custom-profile"``, ``sk = <name>``): there are few, and one
Query lists them. They carry no ``profile``/``created_sk``, so the table's index never sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from paperlane.errors import Conflict
from paperlane.llm.profile import CustomProfileSpec
from paperlane.storage.dynamo import (
    delete_existing,
    from_item,
    is_conditional_failure,
    query_all,
    to_item,
    translate,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_PK = "custom-profile"


class StoredProfile(BaseModel):
    spec: CustomProfileSpec
    created_at: str
    created_by: str


class ProfileRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def create(self, stored: StoredProfile) -> None:
        item = {"pk": _PK, "sk": stored.spec.name, **stored.model_dump(mode="json")}
        try:
            self._db.put_item(
                TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise Conflict(f"A profile named {stored.spec.name!r} already exists.") from None
            raise translate(exc) from exc

    def get(self, name: str) -> StoredProfile | None:
        try:
            resp = self._db.get_item(TableName=self._table, Key={"pk": {"S": _PK}, "sk": {"S": name}})
        except ClientError as exc:
            raise translate(exc) from exc
        item = resp.get("Item")
        return _stored(from_item(item)) if item else None

    def spec(self, name: str) -> CustomProfileSpec | None:
        stored = self.get(name)
        return stored.spec if stored else None

    def list(self) -> list[StoredProfile]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _PK}},
        )
        return [_stored(i) for i in items]

    def delete(self, name: str) -> bool:
        return delete_existing(self._db, self._table, {"pk": {"S": _PK}, "sk": {"S": name}})


def _stored(raw: dict[str, Any]) -> StoredProfile:
    return StoredProfile.model_validate({k: v for k, v in raw.items() if k not in ("pk", "sk")})
