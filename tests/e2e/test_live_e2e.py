"""Live progress and webhooks over the network against `paperlane serve`: a WebSocket client, and
HTTP receivers that accept, fail then recover, or accept the connection and never answer (ending dead:
in the DLQ and the delivery log, until a redelivery reaches them once they answer again)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from websockets.sync.client import connect

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
    """/ok answers 204; /flaky answers 500 twice, then 204; /hang reads the request and never answers
    while ``hanging`` is set (it holds the connection open until ``release``), then answers 204."""

    hits: list[tuple[str, dict[str, str], bytes]] = []
    failures_left = 2
    hanging = True
    release = threading.Event()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receivers.hits.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.startswith("/hang") and _Receivers.hanging:
            _Receivers.release.wait(60)
            self.close_connection = True
            return  # no answer at all
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
    _Receivers.hanging = True
    _Receivers.release.clear()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}"
    finally:
        _Receivers.release.set()
        http.shutdown()
        http.server_close()


def _for_job(job_id: str, path: str) -> list[tuple[str, dict[str, str], bytes]]:
    return [h for h in _Receivers.hits if h[0] == path and json.loads(h[2])["data"].get("job_id") == job_id]


def test_webhooks_are_signed_and_retried(server: Server, receivers: str) -> None:
    urls = {"ok": f"{receivers}/ok", "flaky": f"{receivers}/flaky"}
    with server.client() as admin:
        secrets = {}
        for name, url in urls.items():
            r = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_completed"]})
            assert r.status_code == 201, r.text
            secrets[name] = r.json()["secret"]
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


def _logged(admin: Any, url: str, status: str, timeout: float) -> dict[str, Any]:
    """The one delivery to ``url`` once the delivery log shows it with ``status``."""
    deadline = time.monotonic() + timeout
    while True:
        r = admin.get("/api/v1/webhooks/deliveries", params={"url": url, "status": status})
        assert r.status_code == 200, r.text
        if r.json()["items"]:
            [item] = r.json()["items"]
            return dict(item)
        assert time.monotonic() < deadline, admin.get(
            "/api/v1/webhooks/deliveries", params={"url": url}
        ).json()
        time.sleep(0.3)


def test_a_receiver_that_never_answers_ends_dead_and_a_redelivery_recovers_it(
    server: Server, receivers: str
) -> None:
    url = f"{receivers}/hang/{uuid.uuid4().hex}"  # its own URL: the log is filtered by it
    with server.client() as admin:
        created = admin.post("/api/v1/webhooks", json={"url": url, "events": ["processing_completed"]})
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        try:
            job_id = admin.post(
                "/api/v1/upload", files={"file": ("hang.pdf", _pdf(2), "application/pdf")}
            ).json()["job_id"]
            # WEBHOOK_TIMEOUT_SECONDS=2 and WEBHOOK_MAX_RETRIES=2 (conftest): three attempts of 2 s each.
            dead = _logged(admin, url, "dead", timeout=120)
            assert dead["event"] == "processing_completed" and dead["data"]["job_id"] == job_id
            assert dead["dead_lettered_at"] and dead["delivered_at"] is None
            attempts = dead["attempts"]
            assert [a["attempt"] for a in attempts] == [1, 2, 3]
            assert all(a["error"] == "timeout" and a["status_code"] is None for a in attempts), attempts
            assert all(1900 <= a["duration_ms"] < 10_000 for a in attempts), attempts
            hung = [h for h in _Receivers.hits if h[0] == urlsplit(url).path]
            assert len(hung) == 3, "each attempt reached the receiver, which never answered"
            assert {h[1]["x-paperlane-delivery"] for h in hung} == {dead["delivery_id"]}

            dlq = _sqs(server).get_queue_url(QueueName="paperlane-local-WebhookDeadLetterQueue")["QueueUrl"]
            [in_dlq] = _dead_letters(server, dlq, dead["delivery_id"])
            assert in_dlq["failure"]["reason"] == "timeout" and in_dlq["failure"]["attempts"] == 3

            # The receiver is back: a redelivery reaches it, with the same delivery id and payload.
            _Receivers.hanging = False
            _Receivers.release.set()
            again = admin.post(f"/api/v1/webhooks/deliveries/{dead['delivery_id']}/redeliver")
            assert again.status_code == 202, again.text
            delivered = _logged(admin, url, "delivered", timeout=60)
            assert delivered["delivery_id"] == dead["delivery_id"] and delivered["redeliveries"] == 1
            assert (delivered["attempts"][-1]["redelivery"], delivered["attempts"][-1]["status_code"]) == (
                1,
                204,
            )
        finally:
            admin.delete("/api/v1/webhooks", params={"url": url})

    _, headers, body = [h for h in _Receivers.hits if h[0] == urlsplit(url).path][-1]
    assert headers["x-paperlane-delivery"] == dead["delivery_id"]
    assert json.loads(body)["data"]["job_id"] == job_id
    assert verify_signature(secret, headers["x-paperlane-timestamp"], body, headers["x-signature-256"])


def _sqs(server: Server) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=server.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _dead_letters(server: Server, dlq: str, delivery_id: str) -> list[dict[str, Any]]:
    sqs = _sqs(server)
    deadline = time.monotonic() + 30
    while True:
        messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        found = [json.loads(m["Body"]) for m in messages if delivery_id in m["Body"]]
        if found:
            return found
        assert time.monotonic() < deadline, "the undeliverable webhook never reached the DLQ"
