"""Live progress on the local stack's /ws and signed webhooks, driven by the real jobs-table stream."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from paperlane.auth.roles import Role
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from paperlane.notify.signing import verify_signature
from tests.auth_helpers import token
from tests.pdfgen import text_pdf
from tests.receivers import Receiver, webhook_receiver


def _pdf() -> bytes:
    return text_pdf([f"Live {uuid.uuid4().hex}\nTotal 3.00", "Second page", "Third page"])


def test_a_socket_without_a_valid_token_is_refused(stack: LocalStack) -> None:
    with TestClient(build_app(stack)) as c:
        for query in ("", "?token=not-a-token"):
            with pytest.raises(WebSocketDisconnect) as closed, c.websocket_connect(f"/ws{query}") as ws:
                ws.receive_text()
            assert closed.value.code == 1008


def test_subscribers_get_the_state_then_progress_in_order_then_completion(stack: LocalStack) -> None:
    access = token(stack, "live-operator", Role.OPERATOR)
    headers = {"Authorization": f"Bearer {access}"}
    with TestClient(build_app(stack), headers=headers) as c, c.websocket_connect(f"/ws?token={access}") as ws:
        ws.send_text(json.dumps({"action": "echo", "data": {"ping": 1}}))
        echo = json.loads(ws.receive_text())
        assert echo["type"] == "echo" and echo["data"] == {"ping": 1} and echo["timestamp"]

        files = {"file": ("live.pdf", _pdf(), "application/pdf")}
        job_id = c.post("/api/v1/upload", files=files, data={"auto_process": "false"}).json()["job_id"]
        ws.send_text(json.dumps({"action": "subscribe", "job_id": job_id}))
        assert json.loads(ws.receive_text())["type"] == "subscribed"
        state = json.loads(ws.receive_text())
        assert state["type"] == "job_state" and state["data"]["status"] == "queued"

        assert c.post(f"/api/v1/process/{job_id}").status_code == 200
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while not seen or seen[-1]["type"] not in ("processing_completed", "processing_failed"):
            assert time.monotonic() < deadline, seen
            seen.append(json.loads(ws.receive_text()))
        types = [m["type"] for m in seen]
        assert types[0] == "processing_started" and types[-1] == "processing_completed"
        progress = [m["data"]["progress"] for m in seen if m["type"] == "processing_progress"]
        assert progress == sorted(progress), "messages for one job arrive in order"
        assert seen[-1]["data"]["job_id"] == job_id and seen[-1]["data"]["result"]["pages"] == 3

        # Someone else's job is as unknown as a missing one.
        ws.send_text(json.dumps({"action": "subscribe", "job_id": "f" * 32}))
        assert json.loads(ws.receive_text())["data"]["code"] == "NOT_FOUND"


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


def test_a_completed_document_is_delivered_to_a_webhook_signed(stack: LocalStack, hook: Receiver) -> None:
    access = token(stack, "live-admin", Role.ADMIN)
    with TestClient(build_app(stack), headers={"Authorization": f"Bearer {access}"}) as admin:
        created = admin.post("/api/v1/webhooks", json={"url": hook.url, "events": ["processing_completed"]})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        try:
            job_id = admin.post(
                "/api/v1/upload", files={"file": ("hook.pdf", _pdf(), "application/pdf")}
            ).json()["job_id"]
            deadline = time.monotonic() + 60
            mine: list[tuple[dict[str, str], bytes]] = []
            while not mine:
                assert time.monotonic() < deadline, "no delivery arrived"
                time.sleep(0.1)
                mine = [(h, b) for h, b in hook.hits if json.loads(b)["data"].get("job_id") == job_id]
            headers, body = mine[0]
            payload = json.loads(body)
            assert payload["event"] == headers["x-paperlane-event"] == "processing_completed"
            assert payload["delivery_id"] == headers["x-paperlane-delivery"]
            assert verify_signature(
                secret, headers["x-paperlane-timestamp"], body, headers["x-signature-256"]
            )
            assert not verify_signature(
                "another secret 123456", headers["x-paperlane-timestamp"], body, headers["x-signature-256"]
            )
            assert secret not in json.dumps(admin.get("/api/v1/webhooks").json())
        finally:
            assert admin.delete("/api/v1/webhooks", params={"url": hook.url}).status_code == 204


def test_off_the_local_stack_loopback_webhooks_are_refused(stack: LocalStack) -> None:
    from paperlane.api import webhooks
    from paperlane.api.app import create_app

    env = {**stack.api_environment(), "WEBHOOK_ALLOW_LOOPBACK": "false"}
    access = token(stack, "live-admin", Role.ADMIN)
    with TestClient(
        create_app(webhooks.router, environment=env), headers={"Authorization": f"Bearer {access}"}
    ) as c:
        r = c.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "events": ["processing_failed"]})
        assert r.status_code == 400 and "local stack" in r.json()["error"]["message"]
        r = c.post(
            "/api/v1/webhooks", json={"url": "https://169.254.169.254/x", "events": ["processing_failed"]}
        )
        assert r.status_code == 422


def _next_of(ws: Any, message_type: str, **match: Any) -> dict[str, Any]:
    """The next message of this type whose data has these values (the "all" topic hears other tests)."""
    for _ in range(500):
        msg = json.loads(ws.receive_text())
        if msg["type"] == message_type and all(msg["data"].get(k) == v for k, v in match.items()):
            return msg
    raise AssertionError(f"no {message_type} {match}")


def test_everything_subscribers_hear_dropped_files_and_configuration_changes(
    stack: LocalStack, hook: Receiver
) -> None:
    from paperlane import aws

    access = token(stack, "live-admin", Role.ADMIN)
    with (
        TestClient(build_app(stack), headers={"Authorization": f"Bearer {access}"}) as admin,
        admin.websocket_connect(f"/ws?token={access}") as ws,
    ):
        ws.send_text(json.dumps({"action": "subscribe", "all": True}))
        assert json.loads(ws.receive_text())["type"] == "subscribed"
        created = admin.post(
            "/api/v1/webhooks", json={"url": hook.url, "events": ["file_detected", "config_changed"]}
        )
        assert created.status_code == 201, created.text
        try:
            webhook_id = created.json()["webhook_id"]
            changed = _next_of(ws, "config_changed", kind="webhook", name=webhook_id)
            assert changed["data"] == {
                "kind": "webhook",
                "action": "created",
                "name": webhook_id,
                "by": "live-admin",
            }

            name = f"dropped-{uuid.uuid4().hex[:8]}.pdf"
            bucket = stack.function_environment("IntakeFunction")["DOCUMENTS_BUCKET"]
            aws.s3().put_object(Bucket=bucket, Key=f"inbox/{name}", Body=_pdf())
            detected = _next_of(ws, "file_detected", filename=name)
            assert detected["data"]["source"] == "drop_folder" and detected["data"]["size_bytes"] > 0

            alias = f"Live Alias {uuid.uuid4().hex[:6]}"
            added = admin.post("/api/v1/teams/aliases", json={"alias": alias, "canonical": "Arsenal"})
            assert added.status_code == 201, added.text
            _next_of(ws, "config_changed", kind="team_alias", action="created", name=alias)
            assert admin.delete(f"/api/v1/teams/aliases/{alias}").status_code == 204
            _next_of(ws, "config_changed", kind="team_alias", action="deleted", name=alias)

            # The webhook hears both kinds, signed like any delivery.
            deadline = time.monotonic() + 60
            events: set[str] = set()
            while not {"file_detected", "config_changed"} <= events:
                assert time.monotonic() < deadline, events
                time.sleep(0.1)
                events = {json.loads(b)["event"] for _h, b in hook.hits}
        finally:
            assert admin.delete("/api/v1/webhooks", params={"url": hook.url}).status_code == 204
