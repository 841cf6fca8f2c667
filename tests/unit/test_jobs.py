from __future__ import annotations

from datetime import timedelta

import pytest

from paperlane import clock, ids
from paperlane.jobs import Job, JobStatus, Stage


def _job(**kw: object) -> Job:
    base: dict[str, object] = {
        "job_id": "a" * 32,
        "profile": "generic",
        "filename": "x.pdf",
        "source_key": "inbox/x.pdf",
        "sha256": "0" * 64,
        "size_bytes": 10,
    }
    return Job.model_validate({**base, **kw})


def test_job_id_is_stable_per_content_and_profile() -> None:
    sha = "ab" * 32
    assert ids.job_id_for(sha, "generic") == ids.job_id_for(sha, "generic")
    assert ids.job_id_for(sha, "generic") != ids.job_id_for(sha, "sale_deed")
    assert ids.is_job_id(ids.job_id_for(sha, "generic"))


def test_execution_names_stay_unique_across_reruns() -> None:
    names = {ids.execution_name("a" * 32, n) for n in range(1, 5)}
    assert len(names) == 4
    assert ids.execution_name("a" * 32, 1) == "a" * 32
    assert all(len(n) <= 80 for n in names)


@pytest.mark.parametrize(
    ("stage", "done", "count", "expected"),
    [
        (Stage.QUEUED, 0, None, 0),
        (Stage.PREPARE, 0, None, 0),
        (Stage.TEXT, 0, 10, 10),
        (Stage.TEXT, 5, 10, 30),
        (Stage.TEXT, 10, 10, 50),
        (Stage.TEXT, 12, 10, 50),
        (Stage.FINALIZE, 10, 10, 90),
    ],
)
def test_progress_follows_stage_and_pages(stage: Stage, done: int, count: int | None, expected: int) -> None:
    job = _job(status=JobStatus.RUNNING, current_stage=stage, pages_done=done, page_count=count)
    assert job.progress_percent == expected


def test_completed_job_is_at_100_percent_and_has_a_processing_time() -> None:
    start = clock.now()
    job = _job(
        status=JobStatus.COMPLETED,
        current_stage=Stage.DONE,
        started_at=clock.iso(start),
        completed_at=clock.iso(start + timedelta(seconds=2.5)),
    )
    assert job.progress_percent == 100
    assert job.processing_time == pytest.approx(2.5)


def test_priority_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="priority"):
        _job(priority=7)


def test_terminal_statuses() -> None:
    assert {s for s in JobStatus if s.terminal} == {
        JobStatus.COMPLETED,
        JobStatus.FAILED,
        JobStatus.CANCELLED,
    }


def test_ocr_progress_advances_per_page() -> None:
    seen = [
        _job(
            status=JobStatus.RUNNING,
            current_stage=Stage.OCR,
            page_count=8,
            pages_done=8,
            ocr_pages_total=4,
            ocr_pages_done=n,
        ).progress_percent
        for n in range(5)
    ]
    assert seen == [50, 60, 70, 80, 90]
