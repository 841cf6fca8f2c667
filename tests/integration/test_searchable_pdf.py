"""The searchable PDF on the local stack: built by Finalize for scanned documents, served by the API."""

from __future__ import annotations

import shutil
import time
import uuid
from typing import Any

import pymupdf
import pytest
from fastapi.testclient import TestClient

from paperlane.auth.models import UserPatch
from paperlane.auth.roles import Principal, Role
from paperlane.local.runner import Run
from paperlane.local.stack import LocalStack
from paperlane.ocr import rapid, searchable
from tests.auth_helpers import ensure_user, service, signed_in_client
from tests.pdfgen import image_only_pdf, text_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None and not rapid.available(),
    reason="no OCR engine (apt-get install tesseract-ocr, or pip install rapidocr onnxruntime)",
)
ADMIN = Principal(username="root-admin", roles=frozenset({Role.ADMIN}))


def _upload_and_wait(client: TestClient, name: str, data: bytes) -> dict[str, Any]:
    r = client.post("/api/v1/upload", files={"file": (name, data, "application/pdf")})
    assert r.status_code == 201, r.text
    job_id = r.json()["job_id"]
    deadline = time.monotonic() + 180
    while (job := client.get(f"/api/v1/jobs/{job_id}").json())["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.1)
    assert job["status"] == "completed", job
    return dict(job)


def test_a_scanned_document_gets_a_searchable_pdf_and_a_text_one_does_not(
    stack: LocalStack, run: Run
) -> None:
    tag = f"{uuid.uuid4().int % 100000:05d}"
    scan = image_only_pdf(f"Harbour office receipt {tag}")
    with signed_in_client(stack, f"scan-{tag}", Role.OPERATOR) as operator:
        job = _upload_and_wait(operator, "scan.pdf", scan)
        r = operator.get(f"/api/v1/jobs/{job['job_id']}/searchable.pdf", follow_redirects=False)
        assert r.status_code == 303, r.text
        assert "searchable.pdf" in r.headers["location"]

        result = operator.get(f"/api/v1/jobs/{job['job_id']}/result").json()
        assert result["searchable_pdf"] is True
        assert result["ocr_confidence"] > 50 and job["summary"]["ocr_confidence"] == result["ocr_confidence"]

        # What the link points to: the original page, same size, with the OCR'd words as text.
        data = run.stores.documents.get_bytes(searchable.key(job["job_id"]))
        doc, original = pymupdf.open(stream=data, filetype="pdf"), pymupdf.open(stream=scan, filetype="pdf")
        assert doc.page_count == original.page_count == 1 and doc[0].rect == original[0].rect
        text = doc[0].get_text()
        assert "Harbour" in text and tag in text

        typed = _upload_and_wait(operator, "typed.pdf", text_pdf([f"Typed letter {tag}"]))
        missing = operator.get(f"/api/v1/jobs/{typed['job_id']}/searchable.pdf", follow_redirects=False)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
        typed_result = operator.get(f"/api/v1/jobs/{typed['job_id']}/result").json()
        assert typed_result["searchable_pdf"] is False and typed_result["ocr_confidence"] is None

    # Someone else's job is as absent as a missing one; a viewer reading for the owner (a masked
    # reader) is refused the file.
    with signed_in_client(stack, f"other-{tag}", Role.OPERATOR) as other:
        assert other.get(f"/api/v1/jobs/{job['job_id']}/searchable.pdf").status_code == 404
    ensure_user(stack, f"viewer-{tag}", Role.VIEWER)
    service(stack).update_user(ADMIN, f"viewer-{tag}", UserPatch(reads_for=f"scan-{tag}"))
    with signed_in_client(stack, f"viewer-{tag}", Role.VIEWER) as viewer:
        assert viewer.get(f"/api/v1/jobs/{job['job_id']}/searchable.pdf").status_code == 409
