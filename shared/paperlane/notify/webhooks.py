"""Webhooks: where events are POSTed, which events, and the HMAC secret that signs them.

Stored in the auth table: ``pk = webhook#<sha256(url)[:32]>``, ``kind = webhook``, ``sort = url``, so
the existing ``kind-index`` GSI lists them without a Scan, and one URL is one webhook. The secret is
stored as given (it is an HMAC key the receiver holds too, so it cannot be hashed); it is returned
once, by the create call, and never logged.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from paperlane import clock
from paperlane.errors import Conflict
from paperlane.notify.egress import (
    AddressRefused,
    EgressRefused,
    Resolver,
    address_allowed,
    checked_addresses,
    ip_literal,
)
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

KIND = "webhook"
# Receivers on this machine (the local stack, a test server) may use plain http.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class WebhookEvent(StrEnum):
    PROCESSING_STARTED = "processing_started"
    PROCESSING_PROGRESS = "processing_progress"
    PROCESSING_COMPLETED = "processing_completed"
    PROCESSING_FAILED = "processing_failed"
    SYSTEM_ERROR = "system_error"
    FILE_DETECTED = "file_detected"
    DOWNLOAD_COMPLETED = "download_completed"
    CONFIG_CHANGED = "config_changed"


class Webhook(BaseModel):
    """A webhook as the API shows it: never with its secret."""

    webhook_id: str
    url: str
    events: list[WebhookEvent]
    progress_step_percent: int = Field(
        default=10, ge=1, le=100, description="processing_progress each time progress crosses a multiple"
    )
    created_at: str
    created_by: str | None = None


class StoredWebhook(Webhook):
    secret: str = Field(repr=False)

    def public(self) -> Webhook:
        return Webhook.model_validate(self.model_dump(include=set(Webhook.model_fields)))


def webhook_id_for(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def validate_url(
    url: str, *, allow_loopback: bool = False, resolve: bool = True, resolver: Resolver | None = None
) -> str:
    """The URL, or ValueError saying what is wrong. https only (plain http for this machine when
    ``allow_loopback``: the local stack), no credentials, no fragment, and no host that is, or (with
    ``resolve``) resolves to, a private, loopback, link-local or reserved address (SSRF: the instance
    metadata service, the VPC). A name that does not resolve is refused too. Connections check again,
    and connect to the address they checked (paperlane.notify.egress): DNS answers change."""
    if len(url) > 2048:
        raise ValueError("the URL is longer than 2048 characters")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError("use an absolute https:// URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials in the URL are not allowed: the signature authenticates us")
    if parts.fragment:
        raise ValueError("a fragment (#...) is never sent: remove it")
    if host in LOCAL_HOSTS:
        if allow_loopback:
            return url
        raise ValueError("loopback addresses are allowed only on the local stack")
    if parts.scheme != "https":
        raise ValueError("use https:// (plain http only for localhost on the local stack)")
    literal = ip_literal(host)
    try:
        if literal is not None and not address_allowed(literal, allow_loopback=allow_loopback):
            raise AddressRefused(host)
        if resolve:
            checked_addresses(host, parts.port or 443, allow_loopback=allow_loopback, resolver=resolver)
    except EgressRefused as refused:
        raise ValueError(refused.reason) from None
    return url


class WebhookRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    def create(self, hook: StoredWebhook) -> None:
        item = {**hook.model_dump(mode="json"), "pk": _pk(hook.webhook_id), "kind": KIND, "sort": hook.url}
        try:
            self._db.put_item(
                TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                raise Conflict(
                    "A webhook for this URL exists: delete it first to change its events or secret."
                ) from None
            raise translate(exc) from exc

    def get(self, webhook_id: str) -> StoredWebhook | None:
        try:
            resp = self._db.get_item(TableName=self._table, Key={"pk": {"S": _pk(webhook_id)}})
        except ClientError as exc:
            raise translate(exc) from exc
        item = resp.get("Item")
        return StoredWebhook.model_validate(from_item(item)) if item else None

    def delete(self, url: str) -> bool:
        return delete_existing(self._db, self._table, {"pk": {"S": _pk(webhook_id_for(url))}})

    def list_all(self) -> list[StoredWebhook]:
        """Every webhook, by URL (every page: there are a handful, not thousands)."""
        items = query_all(
            self._db,
            TableName=self._table,
            IndexName="kind-index",
            KeyConditionExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": KIND}},
        )
        return [StoredWebhook.model_validate(i) for i in items]


def new_webhook(
    url: str, events: list[WebhookEvent], secret: str, *, progress_step_percent: int, created_by: str | None
) -> StoredWebhook:
    return StoredWebhook(
        webhook_id=webhook_id_for(url),
        url=url,
        events=sorted(set(events), key=list(WebhookEvent).index),
        progress_step_percent=progress_step_percent,
        created_at=clock.iso(),
        created_by=created_by,
        secret=secret,
    )


def _pk(webhook_id: str) -> str:
    return f"webhook#{webhook_id}"
