"""Users and API keys in the auth table: ``pk`` is ``user#<name>`` or ``apikey#<key_id>``.

The ``kind-index`` GSI (kind, sort) lists users by name and a user's keys (``<owner>#<key_id>``)
without a Scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from paperlane.auth.models import StoredApiKey, StoredUser
from paperlane.errors import Conflict
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


class UserPage(BaseModel):
    items: list[StoredUser]
    next_cursor: str | None = None


def _user_pk(username: str) -> str:
    return f"user#{username}"


def _key_pk(key_id: str) -> str:
    return f"apikey#{key_id}"


class AuthRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    # ------------------------------------------------------------------ users

    def create_user(self, user: StoredUser) -> None:
        item = {**user.model_dump(), "pk": _user_pk(user.username), "kind": "user", "sort": user.username}
        try:
            self._db.put_item(
                TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise Conflict(f"A user named {user.username!r} already exists.") from None
            raise translate(exc) from exc

    def get_user(self, username: str) -> StoredUser | None:
        raw = self._get(_user_pk(username))
        return StoredUser.model_validate(raw) if raw else None

    def put_user(self, user: StoredUser) -> None:
        """Overwrite a user that exists (updates from the service, which read it first)."""
        item = {**user.model_dump(), "pk": _user_pk(user.username), "kind": "user", "sort": user.username}
        self._put(item, "attribute_exists(pk)")

    def delete_user(self, username: str) -> bool:
        return self._delete(_user_pk(username))

    def record_login_failure(self, username: str, *, max_failures: int, lock_until: str) -> int:
        """Count a failed login atomically; the failure that reaches the limit sets the lock."""
        try:
            resp = self._db.update_item(
                TableName=self._table,
                Key={"pk": {"S": _user_pk(username)}},
                UpdateExpression="ADD failed_logins :one",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return 0
            raise translate(exc) from exc
        failures = int(resp["Attributes"]["failed_logins"]["N"])
        if failures >= max_failures:
            self._db.update_item(
                TableName=self._table,
                Key={"pk": {"S": _user_pk(username)}},
                UpdateExpression="SET locked_until = :until, failed_logins = :zero",
                ExpressionAttributeValues={":until": value(lock_until), ":zero": {"N": "0"}},
            )
        return failures

    def record_login_success(self, username: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"pk": {"S": _user_pk(username)}},
            UpdateExpression="SET failed_logins = :zero REMOVE locked_until",
            ExpressionAttributeValues={":zero": {"N": "0"}},
        )

    def list_users(self, *, limit: int, cursor: str | None) -> UserPage:
        raw, next_key = self._by_kind("user", None, limit, cursor)
        return UserPage(
            items=[StoredUser.model_validate(r) for r in raw], next_cursor=encode_cursor(next_key)
        )

    def count_users(self) -> int:
        raw, _ = self._by_kind("user", None, 1, None)
        return len(raw)

    # ------------------------------------------------------------------ API keys

    def create_key(self, key: StoredApiKey) -> None:
        item = {
            **key.model_dump(),
            "pk": _key_pk(key.key_id),
            "kind": "apikey",
            "sort": f"{key.owner}#{key.key_id}",
        }
        self._put(item, "attribute_not_exists(pk)")

    def get_key(self, key_id: str) -> StoredApiKey | None:
        raw = self._get(_key_pk(key_id))
        return StoredApiKey.model_validate(raw) if raw else None

    def revoke_key(self, key_id: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"pk": {"S": _key_pk(key_id)}},
            UpdateExpression="SET revoked = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )

    def touch_key(self, key_id: str, when: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"pk": {"S": _key_pk(key_id)}},
            UpdateExpression="SET last_used_at = :w",
            ExpressionAttributeValues={":w": value(when)},
        )

    def list_keys(
        self, *, owner: str | None, limit: int, cursor: str | None
    ) -> tuple[list[StoredApiKey], str | None]:
        raw, next_key = self._by_kind("apikey", f"{owner}#" if owner else None, limit, cursor)
        return [StoredApiKey.model_validate(r) for r in raw], encode_cursor(next_key)

    # ------------------------------------------------------------------ plumbing

    def _get(self, pk: str) -> dict[str, Any] | None:
        try:
            resp = self._db.get_item(TableName=self._table, Key={"pk": {"S": pk}}, ConsistentRead=True)
        except ClientError as exc:
            raise translate(exc) from exc
        item = resp.get("Item")
        return _strip(from_item(item)) if item else None

    def _put(self, item: dict[str, Any], condition: str) -> None:
        try:
            self._db.put_item(TableName=self._table, Item=to_item(item), ConditionExpression=condition)
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise Conflict("The record changed or already exists; retry.") from None
            raise translate(exc) from exc

    def _delete(self, pk: str) -> bool:
        try:
            self._db.delete_item(
                TableName=self._table, Key={"pk": {"S": pk}}, ConditionExpression="attribute_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def _by_kind(
        self, kind: str, prefix: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "kind-index",
            "KeyConditionExpression": "kind = :k" + (" AND begins_with(sort, :p)" if prefix else ""),
            "ExpressionAttributeValues": {":k": {"S": kind}, **({":p": {"S": prefix}} if prefix else {})},
            "Limit": limit,
        }
        start = decode_cursor(cursor)
        if start:
            kwargs["ExclusiveStartKey"] = start
        try:
            resp = self._db.query(**kwargs)
        except ClientError as exc:
            raise translate(exc) from exc
        return [_strip(from_item(i)) for i in resp.get("Items", [])], resp.get("LastEvaluatedKey")


def _strip(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in ("pk", "kind", "sort")}
