"""Webhooks (admin): register a URL for events, list them, delete one (secrets are shown only once);
the delivery log, and redelivery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, Field, field_validator

from paperlane import aws
from paperlane.api.deps import SettingsDep
from paperlane.api.events import ConfigEventsDep
from paperlane.api.security import PrincipalDep
from paperlane.errors import InvalidRequest, NotFound
from paperlane.notify import signing
from paperlane.notify.delivery import redeliver
from paperlane.notify.webhooks import (
    StoredWebhook,
    Webhook,
    WebhookEvent,
    WebhookRepository,
    new_webhook,
    validate_url,
    webhook_id_for,
)
from paperlane.storage.deliveries import DeliveryLog, DeliveryRecord, DeliveryStatus

router = APIRouter(tags=["webhooks"])


def get_webhooks(settings: SettingsDep) -> WebhookRepository:
    return WebhookRepository(aws.dynamodb(), settings.auth_table)


WebhooksDep = Annotated[WebhookRepository, Depends(get_webhooks)]


def get_delivery_log(settings: SettingsDep) -> DeliveryLog:
    return DeliveryLog(aws.dynamodb(), settings.auth_table)


DeliveryLogDep = Annotated[DeliveryLog, Depends(get_delivery_log)]


class NewWebhook(BaseModel):
    url: str = Field(description="https:// (http only for localhost and 127.0.0.1); no credentials")
    events: list[WebhookEvent] = Field(min_length=1)
    secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=256,
        repr=False,
        description="The HMAC-SHA256 key; generated (and returned once) when absent",
    )
    progress_step_percent: int = Field(
        default=10, ge=1, le=100, description="processing_progress each time progress crosses a multiple"
    )

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        # The shape here (a 422 like any field); where it resolves, and whether loopback is allowed
        # (it depends on where we run), is checked by the route.
        return validate_url(url.strip(), allow_loopback=True, resolve=False)


class CreatedWebhook(Webhook):
    secret: str = Field(description="Shown only in this response: keep it to verify X-Signature-256")


class WebhookList(BaseModel):
    items: list[Webhook]
    count: int


class DeliveryList(BaseModel):
    items: list[DeliveryRecord]
    count: int
    next_cursor: str | None = None


@router.post(
    "/api/v1/webhooks",
    response_model=CreatedWebhook,
    status_code=status.HTTP_201_CREATED,
    summary="Register a webhook (its secret is shown only in this response)",
)
def create_webhook(
    body: NewWebhook,
    principal: PrincipalDep,
    webhooks: WebhooksDep,
    settings: SettingsDep,
    events: ConfigEventsDep,
) -> CreatedWebhook:
    try:
        validate_url(body.url, allow_loopback=settings.webhook_allow_loopback)
    except ValueError as exc:
        raise InvalidRequest(f"The webhook URL is refused: {exc}.", details={"field": "url"}) from None
    hook: StoredWebhook = new_webhook(
        body.url,
        body.events,
        body.secret or signing.generate_secret(),
        progress_step_percent=body.progress_step_percent,
        created_by=principal.username,
    )
    webhooks.create(hook)
    events.changed("webhook", "created", hook.webhook_id)
    return CreatedWebhook.model_validate(hook.model_dump())


@router.get("/api/v1/webhooks", response_model=WebhookList, summary="Webhooks, by URL (without secrets)")
def list_webhooks(webhooks: WebhooksDep) -> WebhookList:
    items = [h.public() for h in webhooks.list_all()]
    return WebhookList(items=items, count=len(items))


@router.delete("/api/v1/webhooks", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a webhook by URL")
def delete_webhook(
    webhooks: WebhooksDep, events: ConfigEventsDep, url: Annotated[str, Query(min_length=1, max_length=2048)]
) -> Response:
    webhook_id = webhook_id_for(url.strip())
    if not webhooks.delete(url.strip()):
        raise NotFound("No webhook for this URL.", details={"webhook_id": webhook_id})
    events.changed("webhook", "deleted", webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/api/v1/webhooks/deliveries",
    response_model=DeliveryList,
    summary="The delivery log, newest first: each delivery's status and attempts (kept 30 days)",
)
def list_deliveries(
    log: DeliveryLogDep,
    status_filter: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    event: WebhookEvent | None = None,
    url: Annotated[str | None, Query(max_length=2048, description="The webhook's URL, exactly")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> DeliveryList:
    page = log.page(
        status=status_filter, event=event, url=url.strip() if url else None, limit=limit, cursor=cursor
    )
    return DeliveryList(items=page.items, count=len(page.items), next_cursor=page.next_cursor)


@router.post(
    "/api/v1/webhooks/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryRecord,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Queue a delivery again: the same payload and delivery_id, its retries afresh",
)
def redeliver_delivery(
    delivery_id: Annotated[str, Path(min_length=1, max_length=64)],
    log: DeliveryLogDep,
    webhooks: WebhooksDep,
    settings: SettingsDep,
) -> DeliveryRecord:
    return redeliver(delivery_id, log, webhooks, aws.sqs(), settings.webhook_queue_url)
