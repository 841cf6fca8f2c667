"""GET /api/v1/documents and /api/v1/documents/{id}: completed jobs and their data, per caller."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.local.stack import LocalStack
from tests.auth_helpers import signed_in_client
from tests.pdfgen import text_pdf


def _upload_and_wait(client: TestClient, n: int) -> str:
    files = [
        (
            "file",
            (f"doc{i}.pdf", text_pdf([f"Document {i} {uuid.uuid4().hex}\nTotal 5.00"]), "application/pdf"),
        )
        for i in range(n)
    ]
    body = client.post("/api/v1/upload", files=files, data={"batch_name": "docs"}).json()
    deadline = time.monotonic() + 90
    for job_id in body["job_ids"]:
        while client.get(f"/api/v1/jobs/{job_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, "documents did not complete"
            time.sleep(0.05)
    return str(body["batch_id"])


def test_documents_page_with_skip_and_limit_and_read_one(stack: LocalStack) -> None:
    with signed_in_client(stack, f"docs-{uuid.uuid4().hex[:6]}", Role.OPERATOR) as op:
        batch_id = _upload_and_wait(op, 3)
        first = op.get("/api/v1/documents", params={"batch_id": batch_id, "limit": 2}).json()
        assert first["count"] == 2 and first["has_more"] is True
        rest = op.get("/api/v1/documents", params={"batch_id": batch_id, "limit": 2, "skip": 2}).json()
        assert rest["count"] == 1 and rest["has_more"] is False
        ids = [d["document_id"] for d in first["items"] + rest["items"]]
        assert len(set(ids)) == 3
        doc: dict[str, Any] = op.get(f"/api/v1/documents/{ids[0]}").json()
        assert doc["document_id"] == ids[0] and doc["profile"] == "generic" and doc["pages"]
        assert op.get("/api/v1/documents", params={"limit": 0}).status_code == 422
        assert op.get("/api/v1/documents", params={"skip": -1}).status_code == 422


def test_documents_of_others_and_unknown_ids_are_404(stack: LocalStack) -> None:
    with (
        signed_in_client(stack, f"own-{uuid.uuid4().hex[:6]}", Role.OPERATOR) as owner,
        signed_in_client(stack, f"other-{uuid.uuid4().hex[:6]}", Role.OPERATOR) as other,
    ):
        batch_id = _upload_and_wait(owner, 2)
        listed = owner.get("/api/v1/documents", params={"batch_id": batch_id}).json()["items"]
        doc_id = listed[0]["document_id"]
        assert other.get(f"/api/v1/documents/{doc_id}").status_code == 404
        assert other.get("/api/v1/documents", params={"batch_id": batch_id}).json()["items"] == []
        assert doc_id in {d["document_id"] for d in owner.get("/api/v1/documents").json()["items"]}
        missing = owner.get(f"/api/v1/documents/{'f' * 32}")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
        assert owner.get("/api/v1/documents/not-an-id").status_code == 404
