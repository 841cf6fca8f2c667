"""The real wiring on moto: S3 put -> EventBridge -> SQS -> intake -> Step Functions -> stages."""

from __future__ import annotations

import uuid
from typing import Any

from paperlane import aws
from paperlane.jobs import JobStatus
from paperlane.local.runner import Run
from tests.integration.conftest import wait_for
from tests.pdfgen import text_pdf


def _jobs_named(run: Run, filename: str) -> list[Any]:
    jobs, cursor = [], None
    while True:
        page = run.stores.jobs.list_jobs(limit=200, cursor=cursor)
        jobs += [j for j in page.items if j.filename == filename]
        cursor = page.next_cursor
        if not cursor:
            return jobs


def test_a_file_dropped_in_the_inbox_becomes_a_completed_job(run: Run, unique_pdf: bytes) -> None:
    name = f"drop-{uuid.uuid4().hex[:8]}.pdf"
    aws.s3().put_object(Bucket=run.stores.documents.bucket, Key=f"inbox/{name}", Body=unique_pdf)
    jobs = _jobs_named(run, name)
    assert len(jobs) == 1, "the S3 event should have reached intake through EventBridge and SQS"
    job = wait_for(run, jobs[0].job_id)
    assert job.status is JobStatus.COMPLETED
    assert job.origin == "inbox"
    assert job.page_count == 2 and job.pages_done == 2
    result = run.result(job)
    assert result is not None
    assert [p["page"] for p in result["pages"]] == [1, 2]
    assert "Revenue grew" in result["pages"][0]["text"]


def test_the_same_file_twice_makes_one_job(run: Run, unique_pdf: bytes) -> None:
    bucket = run.stores.documents.bucket
    aws.s3().put_object(Bucket=bucket, Key="inbox/twice-a.pdf", Body=unique_pdf)
    aws.s3().put_object(Bucket=bucket, Key="inbox/copies/twice-b.pdf", Body=unique_pdf)
    first, second = _jobs_named(run, "twice-a.pdf"), _jobs_named(run, "twice-b.pdf")
    assert len(first) == 1 and second == []
    assert wait_for(run, first[0].job_id).status is JobStatus.COMPLETED
    executions = aws.stepfunctions().list_executions(stateMachineArn=run.settings.state_machine_arn)[
        "executions"
    ]
    assert sum(1 for e in executions if e["name"].startswith(first[0].job_id)) == 1


def test_a_profile_folder_selects_the_profile(run: Run) -> None:
    pdf = text_pdf([f"profiled {uuid.uuid4().hex}"])
    aws.s3().put_object(Bucket=run.stores.documents.bucket, Key="inbox/generic/in-folder.pdf", Body=pdf)
    [job] = _jobs_named(run, "in-folder.pdf")
    assert job.profile == "generic"


def test_objects_outside_the_inbox_are_ignored(run: Run) -> None:
    name = f"elsewhere-{uuid.uuid4().hex[:6]}.pdf"
    aws.s3().put_object(Bucket=run.stores.documents.bucket, Key=f"archive/{name}", Body=text_pdf(["x"]))
    assert _jobs_named(run, name) == []
