"""The HTTP API on the local stack (FastAPI TestClient; the same routers run behind Mangum on AWS)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.local.stack import LocalStack
from tests.auth_helpers import signed_in_client
from tests.pdfgen import encrypted_pdf, text_pdf


@pytest.fixture(scope="module")
def client(stack: LocalStack) -> Iterator[TestClient]:
    with signed_in_client(stack, "api-operator", Role.OPERATOR) as c:
        yield c


def _pdf(label: str = "doc") -> bytes:
    return text_pdf([f"{label} {uuid.uuid4().hex}\nTotal 1,234.50"])


def _wait(client: TestClient, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/v1/process/status/{job_id}").json()
        if body["status"] in ("completed", "failed", "cancelled") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["timestamp"].endswith("Z")
    return error


def test_upload_one_file_then_follow_it_to_its_result(client: TestClient) -> None:
    r = client.post("/api/v1/upload", files={"file": ("report.pdf", _pdf("report"), "application/pdf")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["batch_id"] is None and body["jobs"][0]["duplicate"] is False
    status = _wait(client, body["job_id"])
    assert status["status"] == "completed"
    assert status["progress_percent"] == 100 and status["current_stage"] == "done"
    assert status["page_count"] == 1 and status["processing_time"] > 0
    for field in ("created_at", "updated_at", "filename", "profile"):
        assert status[field]
    result = client.get(f"/api/v1/jobs/{body['job_id']}/result").json()
    assert result["profile"] == "generic"
    assert "Total 1,234.50" in result["pages"][0]["text"]


def test_upload_several_files_makes_a_batch(client: TestClient) -> None:
    files = [("file", (f"f{i}.pdf", _pdf(f"batch{i}"), "application/pdf")) for i in range(3)]
    r = client.post("/api/v1/upload", files=files, data={"priority": "3", "batch_name": "November"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["job_id"] is None and len(body["job_ids"]) == 3 and body["batch_id"].startswith("b-")
    for job_id in body["job_ids"]:
        assert _wait(client, job_id)["status"] == "completed"
    batch = client.get(f"/api/v1/batches/{body['batch_id']}").json()
    assert batch["name"] == "November" and batch["counts"]["completed"] == 3
    assert {j["job_id"] for j in batch["jobs"]} == set(body["job_ids"])
    listed = client.get("/api/v1/jobs", params={"batch_id": body["batch_id"]}).json()
    assert {j["job_id"] for j in listed["items"]} == set(body["job_ids"])
    assert all(j["priority"] == 3 for j in listed["items"])
    batches = client.get("/api/v1/batches", params={"limit": 200}).json()["items"]
    assert body["batch_id"] in {b["batch_id"] for b in batches}


def test_the_same_file_twice_is_one_job(client: TestClient) -> None:
    pdf = _pdf("dup")
    first = client.post("/api/v1/upload", files={"file": ("a.pdf", pdf, "application/pdf")}).json()
    second = client.post("/api/v1/upload", files={"file": ("b.pdf", pdf, "application/pdf")}).json()
    assert first["job_id"] == second["job_id"]
    assert second["jobs"][0]["duplicate"] is True


def test_auto_process_off_waits_for_process_call(client: TestClient) -> None:
    r = client.post(
        "/api/v1/upload",
        files={"file": ("wait.pdf", _pdf("wait"), "application/pdf")},
        data={"auto_process": "false"},
    )
    job_id = r.json()["job_id"]
    time.sleep(0.2)
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"
    assert client.post(f"/api/v1/process/{job_id}").status_code == 200
    assert _wait(client, job_id)["status"] == "completed"


def test_encrypted_upload_with_password(client: TestClient) -> None:
    pdf = encrypted_pdf("pw-123", "owner-x", pages=[f"locked {uuid.uuid4().hex}"])
    r = client.post(
        "/api/v1/upload", files={"file": ("l.pdf", pdf, "application/pdf")}, data={"password": "pw-123"}
    )
    job_id = r.json()["job_id"]
    status = _wait(client, job_id)
    assert status["status"] == "completed", status
    assert "password" not in str(status).lower()


def test_failed_job_reports_code_and_can_be_rerun_with_a_password(client: TestClient) -> None:
    pdf = encrypted_pdf("later", "owner-y", pages=[f"later {uuid.uuid4().hex}"])
    job_id = client.post("/api/v1/upload", files={"file": ("l.pdf", pdf, "application/pdf")}).json()["job_id"]
    failed = _wait(client, job_id)
    assert failed["status"] == "failed" and failed["error"]["code"] == "PDF_ENCRYPTED"
    _error(client.get(f"/api/v1/jobs/{job_id}/result"), 409, "CONFLICT")
    r = client.post(f"/api/v1/process/{job_id}", json={"password": "later"})
    assert r.status_code == 200, r.text
    assert _wait(client, job_id)["status"] == "completed"


def test_bad_input_gets_clear_errors(client: TestClient, stack: LocalStack) -> None:
    pdf = _pdf()
    _error(
        client.post(
            "/api/v1/upload", files={"file": ("x.pdf", pdf, "application/pdf")}, data={"profile": "nope"}
        ),
        400,
        "INVALID_REQUEST",
    )
    err = _error(
        client.post(
            "/api/v1/upload", files={"file": ("x.pdf", pdf, "application/pdf")}, data={"priority": "9"}
        ),
        422,
        "INVALID_REQUEST",
    )
    assert "priority" in err["message"]
    _error(client.post("/api/v1/upload", data={"profile": "generic"}), 422, "INVALID_REQUEST")
    limit = int(stack.api_environment()["MAX_UPLOAD_BYTES"])
    big = _error(
        client.post(
            "/api/v1/upload", files={"file": ("big.pdf", b"%PDF-" + b"0" * limit, "application/pdf")}
        ),
        413,
        "TOO_LARGE",
    )
    assert "/api/v1/uploads" in big["message"]
    _error(
        client.post("/api/v1/uploads", content=b"{not json", headers={"Content-Type": "application/json"}),
        400,
        "INVALID_JSON",
    )
    _error(client.post("/api/v1/uploads", json={"files": []}), 422, "INVALID_REQUEST")
    _error(client.get("/api/v1/process/status/not-a-job"), 404, "NOT_FOUND")
    _error(client.get(f"/api/v1/process/status/{'0' * 32}"), 404, "NOT_FOUND")
    _error(client.get("/api/v1/jobs", params={"status": "exploded"}), 422, "INVALID_REQUEST")
    _error(client.get("/api/v1/jobs", params={"limit": 0}), 422, "INVALID_REQUEST")
    _error(client.get("/api/v1/jobs", params={"cursor": "garbage!!"}), 400, "INVALID_REQUEST")
    _error(client.get("/api/v1/nowhere"), 404, "NOT_FOUND")


def test_a_non_pdf_upload_becomes_a_failed_job_with_its_file_kept(
    client: TestClient, stack: LocalStack
) -> None:
    text = f"just notes {uuid.uuid4().hex}".encode()
    job_id = client.post("/api/v1/upload", files={"file": ("notes.pdf", text, "application/pdf")}).json()[
        "job_id"
    ]
    status = _wait(client, job_id)
    assert status["status"] == "failed" and status["error"]["code"] == "NOT_PDF"


def test_job_listing_filters_and_paginates(client: TestClient) -> None:
    ids = [
        client.post(
            "/api/v1/upload", files={"file": (f"p{i}.pdf", _pdf(f"page{i}"), "application/pdf")}
        ).json()["job_id"]
        for i in range(5)
    ]
    for job_id in ids:
        _wait(client, job_id)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"status": "completed", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/jobs", params=params).json()
        assert page["count"] <= 2
        assert all(j["status"] == "completed" for j in page["items"])
        seen += [j["job_id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(ids) <= set(seen)
    assert len(seen) == len(set(seen)), "pages must not overlap"
    created = [j["created_at"] for j in client.get("/api/v1/jobs", params={"limit": 50}).json()["items"]]
    assert created == sorted(created, reverse=True), "newest first"


def test_queue_counts_by_status(client: TestClient) -> None:
    before = client.get("/api/v1/process/queue").json()
    job_id = client.post(
        "/api/v1/upload", files={"file": ("q.pdf", _pdf("queue"), "application/pdf")}
    ).json()["job_id"]
    _wait(client, job_id)
    after = client.get("/api/v1/process/queue").json()
    assert after["counts"]["completed"] == before["counts"]["completed"] + 1
    assert after["total"] == sum(after["counts"].values())


def test_cancel_and_conflicts(client: TestClient) -> None:
    r = client.post(
        "/api/v1/upload",
        files={"file": ("c.pdf", _pdf("cancel"), "application/pdf")},
        data={"auto_process": "false"},
    )
    job_id = r.json()["job_id"]
    cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel").json()
    assert cancelled["status"] == "cancelled"
    _error(client.post(f"/api/v1/jobs/{job_id}/cancel"), 409, "CONFLICT")


def test_presigned_upload_describes_an_s3_post(client: TestClient) -> None:
    r = client.post(
        "/api/v1/uploads",
        json={
            "files": [{"filename": "big scan.pdf", "size_bytes": 50_000_000}],
            "priority": 1,
            "batch_name": "scans",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    [upload] = body["uploads"]
    assert upload["key"] == f"inbox/generic/{body['batch_id']}/big_scan.pdf"
    assert upload["fields"]["key"] == upload["key"]
    assert upload["fields"]["Content-Type"] == "application/pdf"
    assert "policy" in upload["fields"] and body["expires_in"] > 0
    too_big = client.post("/api/v1/uploads", json={"files": [{"filename": "x.pdf", "size_bytes": 10**12}]})
    _error(too_big, 413, "TOO_LARGE")


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and "generic" in health["profiles"]
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/upload",
        "/api/v1/uploads",
        "/api/v1/process/status/{job_id}",
        "/api/v1/jobs",
        "/api/v1/batches",
        "/api/v1/process/queue",
        "/health",
    ):
        assert path in spec["paths"], path
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200, "docs must work offline"
