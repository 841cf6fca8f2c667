"""Messages derived from job changes, the progress rule, and what a WebSocket client may send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from paperlane.errors import InvalidRequest
from paperlane.jobs import Job, JobError, JobStatus, Stage
from paperlane.notify.messages import MessageType, messages_for_change, state_of
from paperlane.notify.throttle import LastSent, ProgressPolicy, should_send
from paperlane.notify.websocket import ClientRequest, _parse

JOB_ID = "0123456789abcdef0123456789abcdef"


def job(**changes: Any) -> Job:
    base: dict[str, Any] = {
        "job_id": JOB_ID,
        "profile": "generic",
        "filename": "report.pdf",
        "source_key": f"inbox/{JOB_ID}/report.pdf",
        "sha256": "0" * 64,
        "size_bytes": 1000,
        "batch_id": "b-0123abcd",
        "created_at": "2026-11-22T10:00:00.000Z",
        "updated_at": "2026-11-22T10:00:00.000Z",
    }
    return Job.model_validate({**base, **changes})


def running(stage: Stage, *, pages_done: int = 0, at: str = "2026-11-22T10:00:10.000Z", **more: Any) -> Job:
    return job(
        status=JobStatus.RUNNING,
        current_stage=stage,
        started_at="2026-11-22T10:00:00.000Z",
        updated_at=at,
        page_count=100,
        pages_done=pages_done,
        **more,
    )


def types(old: Job | None, new: Job) -> list[MessageType]:
    return [m.type for m in messages_for_change(old, new)]


def test_queued_to_running_is_started_only() -> None:
    found = messages_for_change(job(), running(Stage.PREPARE))
    assert [m.type for m in found] == [MessageType.PROCESSING_STARTED]
    assert found[0].data == {
        "job_id": JOB_ID,
        "batch_id": "b-0123abcd",
        "filename": "report.pdf",
        "profile": "generic",
    }
    assert found[0].timestamp == "2026-11-22T10:00:10.000Z"


def test_insert_of_a_queued_job_says_nothing() -> None:
    assert types(None, job()) == []


def test_progress_carries_stage_percent_and_an_estimate() -> None:
    old = running(Stage.TEXT, pages_done=0)
    new = running(Stage.TEXT, pages_done=50)  # 10 + 40 * 50% = 30% after 10 s
    [msg] = messages_for_change(old, new)
    assert msg.type is MessageType.PROCESSING_PROGRESS
    assert msg.data == {
        "job_id": JOB_ID,
        "batch_id": "b-0123abcd",
        "progress": 30,
        "stage": "text",
        "estimated_remaining": round(10 * 70 / 30, 1),
    }


def test_stage_change_is_progress_and_no_change_is_silence() -> None:
    assert types(running(Stage.PREPARE), running(Stage.TEXT)) == [MessageType.PROCESSING_PROGRESS]
    same = running(Stage.TEXT, pages_done=10)
    touched = running(Stage.TEXT, pages_done=10, at="2026-11-22T10:00:11.000Z")
    assert types(same, touched) == []
    # A page done that does not move the integer percent is no news either.
    assert types(running(Stage.TEXT, pages_done=10), running(Stage.TEXT, pages_done=11)) == []


def test_completed_carries_summary_and_processing_time() -> None:
    done = job(
        status=JobStatus.COMPLETED,
        current_stage=Stage.DONE,
        started_at="2026-11-22T10:00:00.000Z",
        completed_at="2026-11-22T10:00:07.250Z",
        updated_at="2026-11-22T10:00:07.250Z",
        summary={"pages": 12, "records": 3},
    )
    [msg] = messages_for_change(running(Stage.FINALIZE), done)
    assert msg.type is MessageType.PROCESSING_COMPLETED
    assert msg.data["result"] == {"pages": 12, "records": 3}
    assert msg.data["processing_time"] == 7.25
    # Touching a completed job again (e.g. its execution ARN) repeats nothing.
    assert types(done, done) == []


def test_failed_and_cancelled() -> None:
    failed = job(status=JobStatus.FAILED, error=JobError(code="NOT_PDF", message="Not a PDF."))
    [msg] = messages_for_change(running(Stage.PREPARE), failed)
    assert msg.type is MessageType.PROCESSING_FAILED
    assert msg.data["error"] == {"code": "NOT_PDF", "message": "Not a PDF."}
    [cancel] = messages_for_change(running(Stage.OCR), job(status=JobStatus.CANCELLED))
    assert cancel.type is MessageType.PROCESSING_FAILED
    assert cancel.data["error"]["code"] == "CANCELLED"


def test_an_internal_failure_is_also_a_system_error_and_a_document_error_is_not() -> None:
    internal = JobError(code="INTERNAL_ERROR", message="An internal error stopped this document.")
    failed, fault = messages_for_change(running(Stage.TEXT), job(status=JobStatus.FAILED, error=internal))
    assert failed.type is MessageType.PROCESSING_FAILED
    assert fault.type is MessageType.SYSTEM_ERROR
    assert fault.data == {"code": "INTERNAL_ERROR", "message": internal.message, "job_id": JOB_ID}
    bad_file = job(status=JobStatus.FAILED, error=JobError(code="PDF_CORRUPT", message="Broken."))
    assert types(running(Stage.PREPARE), bad_file) == [MessageType.PROCESSING_FAILED]


@pytest.mark.parametrize(("origin", "source"), [("inbox", "drop_folder"), ("download", "downloader")])
def test_a_file_that_turned_up_is_detected_once(origin: str, source: str) -> None:
    arrived = job(origin=origin)
    [msg] = messages_for_change(None, arrived)
    assert msg.type is MessageType.FILE_DETECTED
    assert msg.data == {"job_id": JOB_ID, "filename": "report.pdf", "source": source, "size_bytes": 1000}
    assert msg.timestamp == arrived.created_at
    assert types(arrived, running(Stage.PREPARE, origin=origin)) == [MessageType.PROCESSING_STARTED]
    # Uploads through the API are not news: the caller knows.
    assert types(None, job(origin="upload")) == []


def test_requeue_then_rerun_starts_again() -> None:
    done = job(status=JobStatus.COMPLETED, current_stage=Stage.DONE)
    assert types(done, job()) == []
    assert types(job(), running(Stage.PREPARE)) == [MessageType.PROCESSING_STARTED]


def test_envelope_is_type_data_timestamp() -> None:
    msg = state_of(running(Stage.OCR, ocr_pages_total=10, ocr_pages_done=5))
    envelope = json.loads(msg.to_json())
    assert set(envelope) == {"type", "data", "timestamp"}
    assert envelope["type"] == "job_state"
    assert envelope["data"]["progress"] == 70 and envelope["data"]["status"] == "running"


# ---------------------------------------------------------------------------- the progress rule

POLICY = ProgressPolicy(min_interval_seconds=5, min_step_percent=10)


def test_first_progress_and_stage_changes_always_go() -> None:
    assert should_send(None, 3, "text", 0, POLICY)
    assert should_send(LastSent(progress=12, stage="text", sent_at=100), 50, "ocr", 100.1, POLICY)


def test_small_steps_wait_for_the_interval() -> None:
    last = LastSent(progress=20, stage="text", sent_at=100)
    assert not should_send(last, 21, "text", 101, POLICY)
    assert should_send(last, 30, "text", 101, POLICY)  # a big enough step
    assert should_send(last, 21, "text", 105, POLICY)  # enough time
    assert not should_send(last, 20, "text", 500, POLICY)  # but only if progress moved


def test_a_thousand_pages_make_few_messages() -> None:
    last: LastSent | None = None
    sent = 0
    for page in range(1, 1001):  # one page per 10 ms, 10 s in all
        progress, now = 10 + 40 * page // 1000, page * 0.01
        if should_send(last, progress, "text", now, POLICY):
            sent += 1
            last = LastSent(progress=progress, stage="text", sent_at=now)
    assert sent <= 6


# ---------------------------------------------------------------------------- client requests


@pytest.mark.parametrize(
    "body",
    [
        {"action": "subscribe", "job_id": JOB_ID},
        {"action": "subscribe", "batch_id": "b-0123abcd"},
        {"action": "unsubscribe", "all": True},
        {"action": "echo", "data": {"ping": 1}},
    ],
)
def test_valid_requests(body: dict[str, Any]) -> None:
    assert isinstance(_parse(json.dumps(body)), ClientRequest)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "Send a JSON object"),
        ("not json", "not valid JSON"),
        ("[1]", "Send a JSON object"),
        ('{"action": "dance"}', "use subscribe, unsubscribe or echo"),
        ('{"action": "subscribe"}', "exactly one of job_id, batch_id or all"),
        (f'{{"action": "subscribe", "job_id": "{JOB_ID}", "all": true}}', "exactly one of"),
        ('{"action": "subscribe", "job_id": "nope"}', "32 hexadecimal"),
        ('{"action": "subscribe", "batch_id": "x"}', "b-0123abcd"),
        ('{"action": "subscribe", "all": true, "extra": 1}', "extra"),
    ],
)
def test_invalid_requests_say_why(body: str, says: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        _parse(body)
    assert says in caught.value.message
