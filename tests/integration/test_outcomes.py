"""Bad input gets a clear error and nothing is lost: the whole pipeline on the corpus and generated files."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from paperlane.jobs import JobStatus
from paperlane.local.runner import Run
from paperlane.pipeline import submission
from tests.integration.conftest import wait_for
from tests.pdfgen import encrypted_pdf, image_only_pdf, text_pdf
from tests.shared_assets import corpus_dir, over_corpus

HAS_TESSERACT = shutil.which("tesseract") is not None
_FAILS = {"invalid.pdf": "PDF_CORRUPT", "corrupted.pdf": "NOT_PDF", "empty.pdf": "EMPTY_FILE"}


def _submit(run: Run, data: bytes, name: str, password: str | None = None) -> str:
    sub = submission.Submission(filename=name, profile="generic", password=password)
    return submission.submit(run.stores, run.settings, data, sub).job.job_id


@pytest.mark.shared_corpus
@over_corpus()
def test_every_corpus_file_gets_the_outcome_its_manifest_expects(run: Run, row: dict[str, str]) -> None:
    path = corpus_dir() / row["file"]
    data = path.read_bytes()
    job = wait_for(run, _submit(run, data, row["file"]), timeout=120)
    assert run.stores.documents.get_bytes(job.source_key) == data, "the original is always kept"

    if row["file"] in _FAILS:
        assert job.status is JobStatus.FAILED
        assert job.error is not None and job.error.code == _FAILS[row["file"]]
        assert len(job.error.message) > 20
        return
    if row["category"] == "encrypted":
        assert job.status is JobStatus.FAILED
        assert job.error is not None and job.error.code == "PDF_ENCRYPTED"
        password = row["password"].split(" ")[0]
        job = wait_for(run, submission.rerun(run.stores, run.settings, job.job_id, password=password).job_id)

    assert job.status is JobStatus.COMPLETED, job.error
    result = run.result(job)
    assert result is not None
    pages = result["pages"]
    assert len(pages) == job.page_count >= 1
    if row["embedded_text"] == "yes":
        assert sum(len(p["text"]) for p in pages) >= 10 * len(pages)
        assert sum(p["source"] == "text" for p in pages) >= len(pages) / 2
    else:
        # Scans: every page needed OCR, and OCR read each one (Tesseract is installed by .ci/run).
        assert job.pages_needing_ocr == len(pages) == job.ocr_pages_done
        if not HAS_TESSERACT:
            assert all(p["needs_ocr"] and p["error"]["code"] == "OCR_UNAVAILABLE" for p in pages)
            return
        assert all(p["source"] == "ocr" and p["text"].strip() for p in pages), [p.get("error") for p in pages]
        assert not any(p["needs_ocr"] for p in pages), "an OCR'd page no longer needs OCR"
        assert sum(p["word_count"] for p in pages) >= 5 * len(pages)


def test_encrypted_pdf_fails_without_password_and_succeeds_with_it(run: Run) -> None:
    secret = uuid.uuid4().hex[:10]
    data = encrypted_pdf("open-sesame", "owner-" + secret, pages=[f"Secret ledger {secret}"])
    job = wait_for(run, _submit(run, data, "locked.pdf"))
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "PDF_ENCRYPTED"
    wrong = wait_for(run, submission.rerun(run.stores, run.settings, job.job_id, password="nope").job_id)
    assert (
        wrong.status is JobStatus.FAILED and wrong.error is not None and wrong.error.code == "PDF_ENCRYPTED"
    )
    # Submitting the same file again with the password is how a user retries.
    again = submission.submit(
        run.stores,
        run.settings,
        data,
        submission.Submission(filename="locked.pdf", profile="generic", password="open-sesame"),
    )
    assert again.duplicate and again.job.job_id == job.job_id
    done = wait_for(run, job.job_id)
    assert done.status is JobStatus.COMPLETED and done.attempt == 3
    assert secret in (run.result(done) or {})["pages"][0]["text"]
    assert run.stores.jobs.password(job.job_id) is None, "the password is dropped once the job is done"


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed (apt-get install tesseract-ocr)")
def test_a_scanned_page_is_ocrd_with_confidence_and_progress(run: Run) -> None:
    job = wait_for(run, _submit(run, image_only_pdf("Invoice number 4711 total amount due"), "scan.pdf"))
    assert job.status is JobStatus.COMPLETED
    assert (job.ocr_pages_total, job.ocr_pages_done) == (1, 1)
    [page] = (run.result(job) or {})["pages"]
    assert page["source"] == "ocr" and page["needs_ocr"] is False
    assert "invoice number 4711" in page["text"].lower()
    assert 50 < page["confidence"] <= 100
    assert job.summary["pages_ocr"] == 1 and float(job.summary["ocr_mean_confidence"]) > 50


def test_too_many_pages_fails_with_its_code(run: Run) -> None:
    limit = run.settings.max_pages
    job = wait_for(run, _submit(run, text_pdf([""] * (limit + 1)), "huge.pdf"), timeout=120)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "TOO_MANY_PAGES"
    assert str(limit) in job.error.message.replace(",", "")


def test_a_bad_file_does_not_stop_the_others(run: Run) -> None:
    tag = uuid.uuid4().hex
    files = [(text_pdf([f"good {tag} {i}"]), f"good-{i}.pdf") for i in range(3)]
    files.insert(1, (b"%PDF-1.7\n" + uuid.uuid4().bytes + b"\n%%EOF", "broken.pdf"))
    files.insert(3, (f"plain text {tag}".encode(), "notes.pdf"))
    jobs = run.wait([_submit(run, d, n) for d, n in files], timeout=90)
    by_name = {j.filename: j for j in jobs}
    assert [by_name[f"good-{i}.pdf"].status for i in range(3)] == [JobStatus.COMPLETED] * 3
    assert by_name["broken.pdf"].error is not None and by_name["broken.pdf"].error.code == "PDF_CORRUPT"
    assert by_name["notes.pdf"].error is not None and by_name["notes.pdf"].error.code == "NOT_PDF"


def test_a_long_document_is_split_into_chunks_and_reassembled_in_order(run: Run) -> None:
    pages = [f"Page marker {n:03d} {uuid.uuid4().hex[:4]}" for n in range(1, 48)]
    job = wait_for(run, _submit(run, text_pdf(pages), "long.pdf"))
    assert job.status is JobStatus.COMPLETED and job.page_count == 47
    manifest = run.stores.documents.get_json(f"work/{job.job_id}/manifest.json")
    assert len(manifest["chunks"]) > 1
    assert all(c["last_page"] - c["first_page"] < run.settings.chunk_pages for c in manifest["chunks"])
    texts = [p["text"] for p in (run.result(job) or {})["pages"]]
    assert [t.split()[2] for t in texts] == [f"{n:03d}" for n in range(1, 48)]


def test_cancelling_a_queued_job(run: Run, unique_pdf: bytes) -> None:
    sub = submission.Submission(filename="later.pdf", profile="generic", auto_process=False)
    job = submission.submit(run.stores, run.settings, unique_pdf, sub).job
    assert job.status is JobStatus.QUEUED
    cancelled = submission.cancel(run.stores, job.job_id)
    assert cancelled.status is JobStatus.CANCELLED
    restarted = wait_for(run, submission.rerun(run.stores, run.settings, job.job_id).job_id)
    assert restarted.status is JobStatus.COMPLETED


def test_original_kept_under_inbox(run: Run, unique_pdf: bytes) -> None:
    job = wait_for(run, _submit(run, unique_pdf, "keep.pdf"))
    assert job.source_key.startswith(f"inbox/{job.job_id}/")
    assert Path(job.source_key).name == "keep.pdf"
