"""Small helpers for DynamoDB's attribute-value format and opaque pagination cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from paperlane.errors import InvalidRequest, TransientError

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

_THROTTLING = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """Plain dict -> attribute values. None values are dropped (absent, so sparse indexes stay sparse)."""
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def value(v: Any) -> Any:
    return _serializer.serialize(_to_dynamo(v))


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(from_item(last_key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(data, dict) or not data or not all(isinstance(v, str | int) for v in data.values()):
            raise ValueError("cursor is not a key")
        return to_item(data)
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(
            "The cursor is not valid: pass next_cursor from a previous page unchanged."
        ) from exc


def query_all(client: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item a Query selects, page by page, as plain dicts (errors translated)."""
    while True:
        try:
            resp = client.query(**kwargs)
        except ClientError as exc:
            raise translate(exc) from exc
        yield from (from_item(i) for i in resp.get("Items", []))
        if not resp.get("LastEvaluatedKey"):
            return
        kwargs = {**kwargs, "ExclusiveStartKey": resp["LastEvaluatedKey"]}


def delete_existing(client: Any, table: str, key: dict[str, Any]) -> bool:
    """Delete an item that exists: False (not an error) when it does not."""
    try:
        client.delete_item(TableName=table, Key=key, ConditionExpression="attribute_exists(pk)")
    except ClientError as exc:
        if is_conditional_failure(exc):
            return False
        raise translate(exc) from exc
    return True


def is_conditional_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def translate(exc: ClientError) -> Exception:
    """Throttling becomes TransientError (retried by the state machine); anything else is re-raised."""
    if exc.response.get("Error", {}).get("Code") in _THROTTLING:
        return TransientError("DynamoDB is throttling requests; the step will be retried.")
    return exc
