"""POST/GET/DELETE /api/v1/webhooks through the router, as an admin and as others."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from paperlane.api import webhooks
from paperlane.api.app import create_app
from paperlane.auth.roles import Role
from tests.auth_helpers import bearer


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


def test_only_admins_manage_webhooks(stack: Any) -> None:
    for username, role in (("hookoperator", Role.OPERATOR), ("hookviewer", Role.VIEWER)):
        other = client(stack, username, role)
        assert other.get("/api/v1/webhooks").status_code == 403
        denied = other.post(
            "/api/v1/webhooks", json={"url": "https://a.example/x", "events": ["system_error"]}
        )
        assert denied.status_code == 403
        assert other.delete("/api/v1/webhooks", params={"url": "https://a.example/x"}).status_code == 403
    anonymous = TestClient(create_app(webhooks.router, environment=stack.api_environment()))
    assert anonymous.get("/api/v1/webhooks").status_code == 401
