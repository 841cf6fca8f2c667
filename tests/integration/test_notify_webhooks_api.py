"""POST/GET/DELETE /api/v1/webhooks, the delivery log and redelivery, through the router, as an admin
and as others. Names under example.com resolve (to a public address) through a fake getaddrinfo."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane import aws
from paperlane.api import webhooks
from paperlane.api.app import create_app
from paperlane.auth.roles import Role
from paperlane.notify.delivery import Delivery
from paperlane.notify.signing import verify_signature
from paperlane.notify.webhooks import WebhookEvent
from paperlane.storage.deliveries import DeliveryLog
from tests.auth_helpers import bearer
from tests.receivers import Receiver, webhook_receiver

_real_getaddrinfo = socket.getaddrinfo
FAKE_DNS = {"hooks.example.com": "93.184.215.14", "metadata.example.com": "169.254.169.254"}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS as the tests need it (this machine may have none); other names resolve as usual."""

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host in FAKE_DNS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (FAKE_DNS[host], port or 0))]
        if isinstance(host, str) and host.endswith(".example.com"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def client(stack: Any, username: str, *roles: Role) -> TestClient:
    app = create_app(webhooks.router, environment=stack.api_environment())
    return TestClient(app, headers=bearer(stack, username, *roles))


def test_webhook_crud_as_admin(stack: Any) -> None:
    admin = client(stack, "hookadmin", Role.ADMIN)
    url = f"https://hooks.example.com/{uuid.uuid4().hex}"
    created = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_completed"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["url"] == url and body["events"] == ["processing_completed"]
    assert body["secret"].startswith("whsec_") and body["created_by"] == "hookadmin"
    assert body["progress_step_percent"] == 10

    listed = admin.get("/api/v1/webhooks").json()
    [mine] = [h for h in listed["items"] if h["url"] == url]
    assert "secret" not in mine and mine["webhook_id"] == body["webhook_id"]

    again = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_failed"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "CONFLICT"

    assert admin.delete("/api/v1/webhooks", params={"url": url}).status_code == 204
    missing = admin.delete("/api/v1/webhooks", params={"url": url})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    assert all(h["url"] != url for h in admin.get("/api/v1/webhooks").json()["items"])


def test_a_given_secret_is_kept_and_localhost_may_use_http(stack: Any) -> None:
    admin = client(stack, "hookadmin", Role.ADMIN)
    url = f"http://127.0.0.1:8999/{uuid.uuid4().hex}"
    secret = "my-own-secret-0123456789"
    created = admin.post(
        "/api/v1/webhooks",
        json={"url": url, "events": ["processing_progress"], "secret": secret, "progress_step_percent": 25},
    )
    assert created.status_code == 201, created.text
    assert created.json()["secret"] == secret
    assert admin.delete("/api/v1/webhooks", params={"url": url}).status_code == 204


def test_invalid_webhooks_are_refused(stack: Any) -> None:
    admin = client(stack, "hookadmin", Role.ADMIN)
    for body in (
        {"url": "http://hooks.example.com/x", "events": ["processing_completed"]},
        {"url": "https://u:p@hooks.example.com/x", "events": ["processing_completed"]},
        {"url": "https://169.254.169.254/x", "events": ["processing_completed"]},
        {"url": "https://hooks.example.com/x", "events": []},
        {"url": "https://hooks.example.com/x", "events": ["nope"]},
        {"url": "https://hooks.example.com/x", "events": ["config_changed"], "secret": "short"},
    ):
        response = admin.post("/api/v1/webhooks", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "INVALID_REQUEST"
    # Names are resolved at registration: one that resolves nowhere, or to the metadata service, is refused.
    for url, says in (
        ("https://nowhere.example.com/x", "does not resolve"),
        ("https://metadata.example.com/x", "private"),
    ):
        response = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_completed"]})
        assert response.status_code == 400, response.text
        assert says in response.json()["error"]["message"]


def test_only_admins_manage_webhooks(stack: Any) -> None:
    for username, role in (("hookoperator", Role.OPERATOR), ("hookviewer", Role.VIEWER)):
        other = client(stack, username, role)
        assert other.get("/api/v1/webhooks").status_code == 403
        denied = other.post(
            "/api/v1/webhooks", json={"url": "https://a.example/x", "events": ["system_error"]}
        )
        assert denied.status_code == 403
        assert other.delete("/api/v1/webhooks", params={"url": "https://a.example/x"}).status_code == 403
        assert other.get("/api/v1/webhooks/deliveries").status_code == 403
        assert other.post(f"/api/v1/webhooks/deliveries/{uuid.uuid4().hex}/redeliver").status_code == 403
    anonymous = TestClient(create_app(webhooks.router, environment=stack.api_environment()))
    assert anonymous.get("/api/v1/webhooks").status_code == 401


# ---------------------------------------------------------------------------- the delivery log


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


def test_the_delivery_log_and_redelivery_through_the_local_stack(stack: Any, hook: Receiver) -> None:
    admin = client(stack, "hookadmin", Role.ADMIN)
    created = admin.post("/api/v1/webhooks", json={"url": hook.url, "events": ["processing_failed"]}).json()
    log = DeliveryLog(aws.dynamodb(), stack.api_environment()["AUTH_TABLE"])
    # A delivery that died while the hook.url was away (as the deliverer leaves it).
    lost = Delivery(
        webhook_id=created["webhook_id"], event=WebhookEvent.PROCESSING_FAILED, data={"job_id": "j1"}
    )
    log.queued([(lost, hook.url)])
    try:
        listed = admin.get("/api/v1/webhooks/deliveries", params={"url": hook.url})
        assert listed.status_code == 200, listed.text
        [item] = listed.json()["items"]
        assert item["delivery_id"] == lost.delivery_id and item["status"] == "pending"
        assert item["event"] == "processing_failed" and item["data"] == {"job_id": "j1"}
        assert admin.get(
            "/api/v1/webhooks/deliveries", params={"url": hook.url, "status": "dead"}
        ).json() == {
            "items": [],
            "count": 0,
            "next_cursor": None,
        }
        bad = admin.get("/api/v1/webhooks/deliveries", params={"status": "lost"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_REQUEST"

        again = admin.post(f"/api/v1/webhooks/deliveries/{lost.delivery_id}/redeliver")
        assert again.status_code == 202, again.text
        assert again.json()["status"] == "pending" and again.json()["redeliveries"] == 1
        # The stack's DeliverFunction takes it from the queue and POSTs it to the hook.url.
        deadline = time.monotonic() + 60
        while True:
            [now] = admin.get("/api/v1/webhooks/deliveries", params={"url": hook.url}).json()["items"]
            if now["status"] == "delivered":
                break
            assert time.monotonic() < deadline, now
            time.sleep(0.2)
        assert [(a["redelivery"], a["attempt"], a["status_code"]) for a in now["attempts"]] == [(1, 1, 204)]
        [(headers, body)] = hook.hits
        assert headers["x-paperlane-delivery"] == lost.delivery_id and json.loads(body) == json.loads(
            lost.body()
        )
        assert verify_signature(
            created["secret"], headers["x-paperlane-timestamp"], body, headers["x-signature-256"]
        )

        missing = admin.post(f"/api/v1/webhooks/deliveries/{uuid.uuid4().hex}/redeliver")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    finally:
        admin.delete("/api/v1/webhooks", params={"url": hook.url})
    orphan = admin.post(f"/api/v1/webhooks/deliveries/{lost.delivery_id}/redeliver")
    assert orphan.status_code == 409 and orphan.json()["error"]["code"] == "CONFLICT"
