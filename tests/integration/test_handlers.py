"""Every handler called in-process on moto with its sample event from events/."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from paperlane import aws
from paperlane.jobs import JobStatus, Stage
from paperlane.local.runner import Run
from paperlane.local.stack import LocalStack
from paperlane.pipeline.submission import Submission, submit
from tests.events import load_event
from tests.pdfgen import text_pdf


def invoke(stack: LocalStack, logical_id: str, event: dict[str, Any]) -> tuple[Any, bool]:
    fn = stack.lambdas.get(stack.physical_name(logical_id))
    assert fn is not None
    payload, errored, _ = stack.lambdas.invoke(fn, event)
    return json.loads(payload), errored


def _queued_job(run: Run, pages: list[str]) -> str:
    """A job whose file is stored but whose execution never started (auto_process off)."""
    sub = Submission(filename="handler.pdf", profile="generic", auto_process=False)
    return submit(run.stores, run.settings, text_pdf(pages), sub).job.job_id


def test_intake_event_starts_the_job_once(stack: LocalStack, run: Run) -> None:
    pdf = text_pdf([f"intake {uuid.uuid4().hex}"])
    key = f"archive/{uuid.uuid4().hex}.pdf"  # outside inbox/: no S3 notification, only our event
    aws.s3().put_object(Bucket=run.stores.documents.bucket, Key=key, Body=pdf)
    inbox_key = "inbox/" + key.split("/")[1]
    aws.s3().copy_object(
        Bucket=run.stores.documents.bucket,
        Key=inbox_key,
        CopySource={"Bucket": run.stores.documents.bucket, "Key": key},
    )
    event = load_event("intake", DOCUMENTS_BUCKET=run.stores.documents.bucket, KEY=inbox_key, SIZE=len(pdf))
    result, errored = invoke(stack, "IntakeFunction", event)
    assert not errored and result == {"batchItemFailures": []}
    again, _ = invoke(stack, "IntakeFunction", event)  # SQS delivers at least once
    assert again == {"batchItemFailures": []}
    jobs = [j for j in run.stores.jobs.list_jobs(limit=200).items if j.source_key == inbox_key]
    assert len(jobs) == 1


def test_intake_skips_a_vanished_object_and_fails_only_the_bad_record(stack: LocalStack, run: Run) -> None:
    gone = load_event(
        "intake", DOCUMENTS_BUCKET=run.stores.documents.bucket, KEY="inbox/vanished.pdf", SIZE=1
    )
    result, errored = invoke(stack, "IntakeFunction", gone)
    assert not errored and result == {"batchItemFailures": []}
    assert all(j.filename != "vanished.pdf" for j in run.stores.jobs.list_jobs(limit=200).items)

    poison = dict(gone["Records"][0], messageId="poison-1", body="{not an event")
    mixed = {"Records": [gone["Records"][0], poison]}
    result, errored = invoke(stack, "IntakeFunction", mixed)
    assert not errored
    assert result["batchItemFailures"] == [{"itemIdentifier": "poison-1"}]


def test_stage_handlers_run_a_job_by_hand(stack: LocalStack, run: Run) -> None:
    job_id = _queued_job(run, [f"one {uuid.uuid4().hex}", "two", "three"])
    run.stores.jobs.claim_attempt(job_id, 1)
    prepared, errored = invoke(stack, "PrepareFunction", load_event("prepare", JOB_ID=job_id))
    assert not errored and prepared["chunks"] == list(range(len(prepared["chunks"])))
    assert run.stores.jobs.get(job_id).page_count == 3
    pages = 0
    for index in prepared["chunks"]:
        event = {**load_event("extract_text", JOB_ID=job_id), "chunk": index}
        chunk, errored = invoke(stack, "ExtractTextFunction", event)
        assert not errored and chunk["chunk"] == index and chunk["needs_ocr"] == 0
        pages += chunk["pages"]
    assert pages == 3
    assert run.stores.jobs.get(job_id).progress_percent == 50
    done, errored = invoke(stack, "FinalizeFunction", load_event("finalize", JOB_ID=job_id))
    assert not errored and done["status"] == "completed"
    job = run.stores.jobs.get(job_id)
    assert job.status is JobStatus.COMPLETED and job.current_stage is Stage.DONE
    assert [r["page"] for r in run.stores.records.for_job(job_id, "page")] == [1, 2, 3]


def test_record_failure_stores_the_stable_code(stack: LocalStack, run: Run) -> None:
    job_id = _queued_job(run, [f"fail {uuid.uuid4().hex}"])
    out, errored = invoke(stack, "RecordFailureFunction", load_event("record_failure", JOB_ID=job_id))
    assert not errored and out["code"] == "PDF_ENCRYPTED"
    job = run.stores.jobs.get(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == "PDF_ENCRYPTED"
    assert "password" in job.error.message


def test_status_handler_behind_api_gateway(stack: LocalStack, run: Run) -> None:
    job_id = _queued_job(run, [f"status {uuid.uuid4().hex}"])
    response, errored = invoke(stack, "StatusFunction", load_event("status", JOB_ID=job_id))
    assert not errored and response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["job_id"] == job_id and body["status"] == "queued" and body["progress_percent"] == 0


def test_status_handler_unknown_job_is_a_404_envelope(stack: LocalStack) -> None:
    response, _ = invoke(stack, "StatusFunction", load_event("status", JOB_ID="f" * 32))
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["error"]["code"] == "NOT_FOUND"


def test_upload_handler_takes_a_base64_multipart_body(stack: LocalStack, run: Run) -> None:
    boundary = "paperlaneboundary"
    pdf = text_pdf([f"upload {uuid.uuid4().hex}"])
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="up.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="priority"\r\n\r\n4\r\n'
            f"--{boundary}--\r\n"
        ).encode()
    )
    event = load_event("upload", BOUNDARY=boundary, BODY_BASE64=base64.b64encode(body).decode())
    response, errored = invoke(stack, "UploadFunction", event)
    assert not errored and response["statusCode"] == 201, response
    job_id = json.loads(response["body"])["job_id"]
    job = run.wait([job_id], timeout=60)[0]
    assert job.status is JobStatus.COMPLETED and job.priority == 4
    stored = run.stores.documents.get_bytes(job.source_key)
    assert stored == pdf, "the binary body must arrive intact"


def test_records_keep_long_pages_within_dynamodb_limits(run: Run) -> None:
    from paperlane.storage.records import MAX_TEXT_CHARS

    job_id = f"{uuid.uuid4().hex}"
    huge = "word " * (MAX_TEXT_CHARS // 4)
    assert (
        run.stores.records.replace(
            job_id,
            "generic",
            "2026-11-22T00:00:00.000Z",
            "page",
            [{"page": 1, "text": huge}, {"page": 2, "text": "short"}],
        )
        == 2
    )
    rows = run.stores.records.for_job(job_id, "page")
    assert len(rows[0]["text"]) == MAX_TEXT_CHARS and rows[0]["text_truncated"] is True
    assert rows[1]["text"] == "short" and "text_truncated" not in rows[1]


def test_plan_ocr_and_ocr_handlers_with_their_events(stack: LocalStack, run: Run) -> None:
    from tests.pdfgen import image_only_pdf

    sub = Submission(filename="scan.pdf", profile="generic", auto_process=False)
    job_id = submit(
        run.stores, run.settings, image_only_pdf(f"Receipt {uuid.uuid4().hex[:6]}"), sub
    ).job.job_id
    run.stores.jobs.claim_attempt(job_id, 1)
    invoke(stack, "PrepareFunction", load_event("prepare", JOB_ID=job_id))
    invoke(stack, "ExtractTextFunction", load_event("extract_text", JOB_ID=job_id))
    plan, errored = invoke(stack, "PlanOcrFunction", load_event("plan_ocr", JOB_ID=job_id))
    assert not errored and plan == {"pages": [1], "count": 1, "llm": False}
    assert run.stores.jobs.get(job_id).current_stage.value == "ocr"
    out, errored = invoke(stack, "OcrFunction", load_event("ocr", JOB_ID=job_id))
    assert not errored and out["page"] == 1
    job = run.stores.jobs.get(job_id)
    assert (job.ocr_pages_total, job.ocr_pages_done, job.progress_percent) == (1, 1, 90)
    if out["error"] is None:
        assert out["words"] >= 2 and out["confidence"] > 50
    else:
        assert out["error"] == "OCR_UNAVAILABLE"  # no tesseract on this machine
