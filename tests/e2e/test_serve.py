"""End to end over HTTP against `paperlane serve`: upload, watch progress, read results, drop folder."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server
from tests.pdfgen import text_pdf
from tests.shared_assets import samples_dir

pytestmark = pytest.mark.e2e


def _wait(client: httpx.Client, job_id: str, timeout: float = 120) -> tuple[dict[str, Any], list[int]]:
    """Poll the status endpoint; return the final status and every progress value seen."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/v1/process/status/{job_id}").json()
        seen.append(body["progress_percent"])
        if body["status"] in ("completed", "failed", "cancelled") or time.monotonic() > deadline:
            return body, seen
        time.sleep(0.05)


def _sample_pdfs() -> list[Path]:
    try:
        return sorted(samples_dir().rglob("*.pdf"))
    except pytest.skip.Exception:
        return []


@pytest.mark.shared_corpus
@pytest.mark.parametrize(
    "sample",
    _sample_pdfs()
    or [pytest.param(None, marks=pytest.mark.skip(reason="../shared/samples is not beside the checkout"))],
    ids=lambda p: p.name if p else "none",
)
def test_every_sample_uploads_and_completes(server: Server, sample: Path) -> None:
    with server.client() as client:
        r = client.post(
            "/api/v1/upload", files={"file": (sample.name, sample.read_bytes(), "application/pdf")}
        )
        assert r.status_code == 201, r.text
        status, progress = _wait(client, r.json()["job_id"])
        assert status["status"] == "completed", status
        assert progress == sorted(progress), "progress never goes backwards"
        result = client.get(f"/api/v1/jobs/{status['job_id']}/result").json()
        pages = result["pages"]
        assert len(pages) == status["page_count"]
        if sample.stem.endswith("_scan"):
            if shutil.which("tesseract"):
                assert all(p["source"] == "ocr" and p["word_count"] > 10 for p in pages)
            else:
                assert all(p["needs_ocr"] and p["error"]["code"] == "OCR_UNAVAILABLE" for p in pages)
        else:
            assert all(p["source"] == "text" and p["word_count"] > 10 for p in pages)


def test_upload_progress_and_result_over_http(server: Server) -> None:
    tag = uuid.uuid4().hex
    pdf = text_pdf([f"Invoice {tag} page {n}\nAmount due 100.00" for n in range(1, 31)])
    with server.client() as client:
        r = client.post("/api/v1/upload", files={"file": ("invoice.pdf", pdf, "application/pdf")})
        status, progress = _wait(client, r.json()["job_id"])
        assert status["status"] == "completed"
        assert progress[-1] == 100 and progress == sorted(progress)
        result = client.get(f"/api/v1/jobs/{status['job_id']}/result").json()
        assert [p["page"] for p in result["pages"]] == list(range(1, 31))
        assert tag in result["pages"][29]["text"]


def test_a_file_dropped_in_the_folder_is_processed(server: Server) -> None:
    name = f"dropped-{uuid.uuid4().hex[:8]}.pdf"
    (server.inbox / name).write_bytes(text_pdf([f"dropped {name}"]))
    with server.client() as client:
        deadline = time.monotonic() + 30
        job = None
        while job is None and time.monotonic() < deadline:
            items = client.get("/api/v1/jobs", params={"limit": 200}).json()["items"]
            job = next((j for j in items if j["filename"] == name), None)
            time.sleep(0.3)
        assert job is not None, f"the drop folder was not mirrored:\n{server.log.read_text()[-2000:]}"
        status, _ = _wait(client, job["job_id"])
        assert status["status"] == "completed" and status["origin"] == "inbox"


def test_presigned_post_to_the_local_s3_endpoint(server: Server) -> None:
    with server.client() as client:
        r = client.post("/api/v1/uploads", json={"files": [{"filename": "large.pdf"}], "batch_name": "big"})
        assert r.status_code == 201, r.text
        body = r.json()
        [upload] = body["uploads"]
        pdf = text_pdf([f"large {uuid.uuid4().hex}"])
        s3 = httpx.post(
            upload["url"], data=upload["fields"], files={"file": ("large.pdf", pdf, "application/pdf")}
        )
        assert s3.status_code in (200, 201, 204), s3.text
        deadline = time.monotonic() + 30
        jobs: list[dict[str, Any]] = []
        while not jobs and time.monotonic() < deadline:
            jobs = client.get("/api/v1/jobs", params={"batch_id": body["batch_id"]}).json()["items"]
            time.sleep(0.2)
        assert len(jobs) == 1 and jobs[0]["origin"] == "presigned"
        status, _ = _wait(client, jobs[0]["job_id"])
        assert status["status"] == "completed"
        batch = client.get(f"/api/v1/batches/{body['batch_id']}").json()
        assert batch["job_ids"] == [jobs[0]["job_id"]]


def test_docs_are_served(server: Server) -> None:
    with server.client() as client:
        assert client.get("/docs").status_code == 200
        assert "/api/v1/upload" in client.get("/openapi.json").json()["paths"]
