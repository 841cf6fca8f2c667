"""WebSocket connections and their subscriptions in the connections table.

Items (``pk``, ``sk``):

- ``conn#<connection_id>``, ``meta``: the connection and its principal (from the authorizer), ``ttl``;
- ``conn#<connection_id>``, ``sub#<topic>``: one subscription, with ``topic`` and ``connection_id``;
- ``throttle#<job_id>``, ``progress``: the last progress message sent for a job
  (paperlane.notify.throttle).

A topic is ``job#<job_id>``, ``batch#<batch_id>`` or ``all``. "Who subscribes to job X" is a Query on
the sparse ``topic-index`` GSI (only subscription items have ``topic``); $disconnect is a Query on the
connection's ``pk``. Nothing here scans. Every item has ``ttl``: API Gateway closes a connection after
2 hours, and a missed $disconnect must not leave subscribers behind for ever.

The table, for template.yaml::

  ConnectionsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
        - { AttributeName: sk, AttributeType: S }
        - { AttributeName: topic, AttributeType: S }
        - { AttributeName: connection_id, AttributeType: S }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
        - { AttributeName: sk, KeyType: RANGE }
      GlobalSecondaryIndexes:
        - IndexName: topic-index
          KeySchema:
            - { AttributeName: topic, KeyType: HASH }
            - { AttributeName: connection_id, KeyType: RANGE }
          Projection: { ProjectionType: KEYS_ONLY }
      TimeToLiveSpecification:
        AttributeName: ttl
        Enabled: true
      SSESpecification:
        SSEEnabled: true
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from paperlane.auth.roles import Principal
from paperlane.errors import InvalidRequest
from paperlane.storage.dynamo import is_conditional_failure, translate

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TOPIC_INDEX = "topic-index"
ALL = "all"
# Bounds what one client can make every stream record fan out to.
MAX_SUBSCRIPTIONS = 100


def job_topic(job_id: str) -> str:
    return f"job#{job_id}"


def batch_topic(batch_id: str) -> str:
    return f"batch#{batch_id}"


class Connection(BaseModel):
    connection_id: str
    principal: Principal
    connected_at: int


class ConnectionRepository:
    def __init__(self, client: DynamoDBClient, table: str, *, ttl_seconds: int = 3 * 3600) -> None:
        if not table:
            raise ValueError("CONNECTIONS_TABLE is not set: the connections table's name is required")
        self._db = client
        self._table = table
        self._ttl_seconds = ttl_seconds

    @property
    def table(self) -> str:
        return self._table

    # ------------------------------------------------------------------ connections

    def connect(self, connection_id: str, principal: Principal, *, now: float | None = None) -> Connection:
        at = int(now if now is not None else time.time())
        item = {
            "pk": {"S": _pk(connection_id)},
            "sk": {"S": "meta"},
            "principal": {"S": encode_principal(principal)},
            "connected_at": {"N": str(at)},
            "ttl": {"N": str(at + self._ttl_seconds)},
        }
        self._call("put_item", TableName=self._table, Item=item)
        return Connection(connection_id=connection_id, principal=principal, connected_at=at)

    def get(self, connection_id: str) -> Connection | None:
        resp = self._call(
            "get_item", TableName=self._table, Key=_key(connection_id, "meta"), ConsistentRead=True
        )
        item = resp.get("Item")
        if not item:
            return None
        return Connection(
            connection_id=connection_id,
            principal=decode_principal(item["principal"]["S"]),
            connected_at=int(item["connected_at"]["N"]),
        )

    def disconnect(self, connection_id: str) -> int:
        """Forget the connection and all its subscriptions; how many items went."""
        keys = [{"pk": i["pk"], "sk": i["sk"]} for i in self._items_of(connection_id)]
        for start in range(0, len(keys), 25):
            requests: Any = [{"DeleteRequest": {"Key": k}} for k in keys[start : start + 25]]
            pending = {self._table: requests}
            # BatchWriteItem may leave some unprocessed under load: hand them back until none remain.
            for _ in range(5):
                resp = self._call("batch_write_item", RequestItems=pending)
                pending = resp.get("UnprocessedItems") or {}
                if not pending:
                    break
        return len(keys)

    # ------------------------------------------------------------------ subscriptions

    def subscribe(self, connection_id: str, topic: str) -> bool:
        """Add a subscription; False when it existed. The connection must exist (not expired)."""
        if len(self.topics(connection_id)) >= MAX_SUBSCRIPTIONS:
            raise InvalidRequest(f"A connection may hold at most {MAX_SUBSCRIPTIONS} subscriptions.")
        meta = self._call("get_item", TableName=self._table, Key=_key(connection_id, "meta"))
        if "Item" not in meta:
            raise InvalidRequest("This connection is unknown or expired: reconnect.")
        item = {
            **_key(connection_id, f"sub#{topic}"),
            "topic": {"S": topic},
            "connection_id": {"S": connection_id},
            "ttl": meta["Item"]["ttl"],
        }
        try:
            self._db.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def unsubscribe(self, connection_id: str, topic: str) -> bool:
        try:
            self._db.delete_item(
                TableName=self._table,
                Key=_key(connection_id, f"sub#{topic}"),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def topics(self, connection_id: str) -> list[str]:
        return [i["topic"]["S"] for i in self._items_of(connection_id) if "topic" in i]

    def subscribers(self, topic: str) -> list[str]:
        """Connection ids subscribed to ``topic`` (a Query on the topic index, every page)."""
        found: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": TOPIC_INDEX,
            "KeyConditionExpression": "topic = :t",
            "ExpressionAttributeValues": {":t": {"S": topic}},
        }
        while True:
            resp = self._call("query", **kwargs)
            found.extend(i["connection_id"]["S"] for i in resp.get("Items", []))
            if not resp.get("LastEvaluatedKey"):
                return found
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    # ------------------------------------------------------------------ plumbing

    def _items_of(self, connection_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": _pk(connection_id)}},
            "ConsistentRead": True,
        }
        while True:
            resp = self._call("query", **kwargs)
            items.extend(resp.get("Items", []))
            if not resp.get("LastEvaluatedKey"):
                return items
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._db, operation)(**kwargs)
        except ClientError as exc:
            raise translate(exc) from exc


def _pk(connection_id: str) -> str:
    return f"conn#{connection_id}"


def _key(connection_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": _pk(connection_id)}, "sk": {"S": sk}}


def encode_principal(principal: Principal) -> str:
    """The principal as JSON: the same shape the Lambda authorizer puts in the request context."""
    return principal.to_context()


def decode_principal(raw: str) -> Principal:
    return Principal.from_context(raw)
