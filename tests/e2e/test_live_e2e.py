"""Live progress and webhooks over the network against `paperlane serve`: a WebSocket client, and
HTTP receivers that accept, fail then recover, or never answer (ending in the DLQ)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from websockets.sync.client import connect

from paperlane.local.stack import free_port
from paperlane.notify.signing import verify_signature
from tests.e2e.conftest import Server
from tests.pdfgen import text_pdf

pytestmark = pytest.mark.e2e


def _pdf(pages: int = 12) -> bytes:
    tag = uuid.uuid4().hex
    return text_pdf([f"Live e2e {tag} page {n}\nAmount 1.00" for n in range(1, pages + 1)])


def test_a_websocket_client_follows_a_multi_page_document(server: Server) -> None:
    ws_url = server.base.replace("http://", "ws://") + f"/ws?token={server.admin_token}"
    with server.client() as client, connect(ws_url, open_timeout=10) as ws:
        job_id = client.post(
            "/api/v1/upload",
            files={"file": ("live.pdf", _pdf(), "application/pdf")},
            data={"auto_process": "false"},
        ).json()["job_id"]
        ws.send(json.dumps({"action": "subscribe", "job_id": job_id}))
        assert json.loads(ws.recv(timeout=10))["type"] == "subscribed"
        assert json.loads(ws.recv(timeout=10))["data"]["status"] == "queued"
        assert client.post(f"/api/v1/process/{job_id}").status_code == 200
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["type"] not in ("processing_completed", "processing_failed"):
            seen.append(json.loads(ws.recv(timeout=60)))
    types = [m["type"] for m in seen]
    assert types[0] == "processing_started" and types[-1] == "processing_completed", types
    progress = [m["data"]["progress"] for m in seen if m["type"] == "processing_progress"]
    assert progress and progress == sorted(progress)
    assert seen[-1]["data"]["result"]["pages"] == 12


class _Receivers(BaseHTTPRequestHandler):
    """/ok answers 204; /flaky answers 500 twice, then 204."""

    hits: list[tuple[str, dict[str, str], bytes]] = []
    failures_left = 2

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receivers.hits.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.startswith("/flaky") and _Receivers.failures_left > 0:
            _Receivers.failures_left -= 1
            self.send_response(500)
        else:
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receivers() -> Iterator[str]:
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Receivers)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    _Receivers.hits.clear()
    _Receivers.failures_left = 2
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}"
    finally:
        http.shutdown()
        http.server_close()


def _for_job(job_id: str, path: str) -> list[tuple[str, dict[str, str], bytes]]:
    return [h for h in _Receivers.hits if h[0] == path and json.loads(h[2])["data"].get("job_id") == job_id]


def test_webhooks_are_signed_retried_and_dead_lettered(server: Server, receivers: str) -> None:
    urls = {
        "ok": f"{receivers}/ok",
        "flaky": f"{receivers}/flaky",
        "dead": f"http://127.0.0.1:{free_port()}/nobody-listens",
    }
    with server.client() as admin:
        secrets = {}
        for name, url in urls.items():
            r = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_completed"]})
            assert r.status_code == 201, r.text
            secrets[name] = r.json()["secret"]
            dead_id = r.json()["webhook_id"]
        try:
            job_id = admin.post(
                "/api/v1/upload", files={"file": ("hook.pdf", _pdf(3), "application/pdf")}
            ).json()["job_id"]
            deadline = time.monotonic() + 90
            while not (_for_job(job_id, "/ok") and len(_for_job(job_id, "/flaky")) >= 3):
                assert time.monotonic() < deadline, _Receivers.hits
                time.sleep(0.2)
        finally:
            for url in urls.values():
                admin.delete("/api/v1/webhooks", params={"url": url})

    _, headers, body = _for_job(job_id, "/ok")[0]
    assert json.loads(body)["event"] == "processing_completed"
    assert verify_signature(secrets["ok"], headers["x-paperlane-timestamp"], body, headers["x-signature-256"])
    flaky = _for_job(job_id, "/flaky")
    assert len({h[1]["x-paperlane-delivery"] for h in flaky}) == 1, "retries repeat the same delivery"
    assert verify_signature(
        secrets["flaky"], flaky[-1][1]["x-paperlane-timestamp"], flaky[-1][2], flaky[-1][1]["x-signature-256"]
    )

    sqs = boto3.client(
        "sqs",
        endpoint_url=server.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    dlq = sqs.get_queue_url(QueueName="paperlane-local-WebhookDeadLetterQueue")["QueueUrl"]
    deadline = time.monotonic() + 60
    dead: list[dict[str, Any]] = []
    while not dead:
        assert time.monotonic() < deadline, "the undeliverable webhook never reached the DLQ"
        messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        dead = [json.loads(m["Body"]) for m in messages if dead_id in m["Body"] and job_id in m["Body"]]
    assert dead[0]["delivery"]["webhook_id"] == dead_id and dead[0]["failure"]
