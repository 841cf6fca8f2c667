"""Team aliases added at run time, in the records table (partition ``team-alias``, sort key the
alias's match key, so "Man. Utd" and "man utd" are one entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from pydantic import BaseModel

from paperlane.profiles.football.text import key
from paperlane.storage.dynamo import delete_existing, query_all, to_item, translate

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_PK = "team-alias"


class TeamAlias(BaseModel):
    alias: str
    canonical: str
    created_by: str
    created_at: str


class AliasRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def put(self, alias: TeamAlias) -> None:
        item = {"pk": _PK, "sk": key(alias.alias), **alias.model_dump()}
        try:
            self._db.put_item(TableName=self._table, Item=to_item(item))
        except ClientError as exc:
            raise translate(exc) from exc

    def delete(self, alias: str) -> bool:
        return delete_existing(self._db, self._table, {"pk": {"S": _PK}, "sk": {"S": key(alias)}})

    def all(self) -> list[TeamAlias]:
        items = query_all(
            self._db,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": _PK}},
        )
        return [
            TeamAlias.model_validate({k: v for k, v in i.items() if k not in ("pk", "sk")}) for i in items
        ]

    def mapping(self) -> dict[str, str]:
        return {a.alias: a.canonical for a in self.all()}
