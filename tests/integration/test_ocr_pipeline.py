"""OCR in the pipeline: scanned pages become text, and a page OCR cannot read does not sink the document."""

from __future__ import annotations

import collections
import re
import shutil
import uuid

import pytest

from paperlane.config import OcrSettings
from paperlane.jobs import JobStatus
from paperlane.local.runner import Run
from paperlane.pipeline import stages, submission
from tests.integration.conftest import wait_for
from tests.pdfgen import image_only_pdf, text_pdf
from tests.shared_assets import samples_dir

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract is not installed (apt-get install tesseract-ocr)"
)


def _tokens(text: str) -> collections.Counter[str]:
    return collections.Counter(w.lower() for w in re.findall(r"[\w.:,'&-]+", text))


def _result_pages(run: Run, data: bytes, name: str) -> list[dict[str, object]]:
    job_id = submission.submit(
        run.stores, run.settings, data, submission.Submission(filename=name, profile="generic")
    ).job.job_id
    job = wait_for(run, job_id, timeout=180)
    assert job.status is JobStatus.COMPLETED, job.error
    return list((run.result(job) or {})["pages"])


@needs_tesseract
@pytest.mark.shared_corpus
def test_scanned_coupon_recovers_95_percent_of_its_text_layer_twin(run: Run) -> None:
    folder = samples_dir() / "football"
    [scan] = _result_pages(run, (folder / "coupon_grid_01_scan.pdf").read_bytes(), "scan.pdf")
    [twin] = _result_pages(run, (folder / "coupon_grid_01.pdf").read_bytes(), "twin.pdf")
    assert scan["source"] == "ocr" and twin["source"] == "text"
    expected, found = _tokens(str(twin["text"])), _tokens(str(scan["text"]))
    recall = sum((expected & found).values()) / sum(expected.values())
    print(f"scanned coupon word recall: {recall:.3f} of {sum(expected.values())} words")
    assert recall >= 0.95


@needs_tesseract
def test_mixed_document_ocrs_only_the_scanned_pages(run: Run) -> None:
    import pymupdf

    tag = uuid.uuid4().hex[:6]
    doc = pymupdf.open(stream=text_pdf([f"Typed page {tag}", f"Another typed page {tag}"]), filetype="pdf")
    doc.insert_pdf(pymupdf.open(stream=image_only_pdf("Scanned signature page"), filetype="pdf"), start_at=1)
    pages = _result_pages(run, doc.tobytes(), "mixed.pdf")
    assert [p["source"] for p in pages] == ["text", "ocr", "text"]
    assert "signature" in str(pages[1]["text"]).lower()


def test_a_page_ocr_cannot_read_is_recorded_with_its_code_and_the_rest_goes_on(run: Run) -> None:
    """The OCR stage with no Tesseract (the client boundary: a missing binary)."""
    import pytesseract  # type: ignore[import-untyped]  # ships no type information

    sub = submission.Submission(filename="noocr.pdf", profile="generic", auto_process=False)
    job = submission.submit(run.stores, run.settings, image_only_pdf(f"Nothing {uuid.uuid4().hex}"), sub).job
    run.stores.jobs.claim_attempt(job.job_id, 1)
    prepared = stages.prepare(run.stores, run.settings, job.job_id)
    for chunk in prepared.chunks:
        stages.extract_chunk(
            run.stores, stages.ChunkInput(job_id=job.job_id, manifest_key=prepared.manifest_key, chunk=chunk)
        )
    request = stages.FinalizeInput(job_id=job.job_id, manifest_key=prepared.manifest_key)
    plan = stages.plan_ocr(run.stores, request)
    assert plan.pages == [1]

    original = pytesseract.pytesseract.tesseract_cmd
    pytesseract.pytesseract.tesseract_cmd = "/nonexistent/tesseract"
    try:
        # Tesseract forced: with `auto`, a missing Tesseract would fall back to RapidOCR.
        env = {**run.stack.function_environment("OcrFunction"), "OCR_ENGINE": "tesseract"}
        settings = OcrSettings.model_validate(env)
        out = stages.ocr_page(
            run.stores,
            settings,
            stages.OcrPageInput(job_id=job.job_id, manifest_key=prepared.manifest_key, page=1),
        )
    finally:
        pytesseract.pytesseract.tesseract_cmd = original
    assert out.error == "OCR_UNAVAILABLE"

    stages.finalize(run.stores, request)
    done = run.stores.jobs.get(job.job_id)
    assert done.status is JobStatus.COMPLETED and done.summary["pages_ocr_failed"] == 1
    [page] = (run.result(done) or {})["pages"]
    assert page["error"]["code"] == "OCR_UNAVAILABLE"
    assert "apt-get install tesseract-ocr" in page["error"]["message"]
