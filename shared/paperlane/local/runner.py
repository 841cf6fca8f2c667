"""Process files on the local stack without HTTP: what `paperlane process` and the benchmarks run."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlane.config import PipelineSettings
from paperlane.errors import NotFound
from paperlane.jobs import Job
from paperlane.local.stack import LocalStack
from paperlane.pipeline import submission
from paperlane.pipeline.context import Stores, stores
from paperlane.results import document_entry

ProgressCallback = Callable[[list[tuple[str, Job]]], None]


@dataclass
class Run:
    stack: LocalStack
    settings: PipelineSettings
    stores: Stores

    @classmethod
    def on(cls, stack: LocalStack) -> Run:
        settings = PipelineSettings.model_validate(stack.function_environment("IntakeFunction"))
        return cls(stack=stack, settings=settings, stores=stores(settings))

    def submit(
        self,
        path: Path,
        *,
        profile: str,
        password: str | None = None,
        batch_id: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> Job:
        sub = submission.Submission(
            filename=path.name,
            profile=profile,
            password=password,
            origin="cli",
            batch_id=batch_id,
            options=options or {},
        )
        return submission.submit(self.stores, self.settings, path.read_bytes(), sub).job

    def wait(
        self,
        job_ids: Sequence[str],
        *,
        timeout: float,
        poll: float = 0.05,
        on_progress: Callable[[list[Job]], None] | None = None,
    ) -> list[Job]:
        """Poll until every job is finished. Jobs still running at the deadline are cancelled."""
        deadline = time.monotonic() + timeout
        while True:
            jobs = [self.stores.jobs.get(j) for j in job_ids]
            if on_progress:
                on_progress(jobs)
            if all(j.status.terminal for j in jobs):
                # moto applies an UpdateItem attribute by attribute, without isolation from readers on
                # other threads: a read can see the new status before the error set with it. Read again.
                time.sleep(poll)
                return [self.stores.jobs.get(j) for j in job_ids]
            if time.monotonic() > deadline:
                for job in jobs:
                    if not job.status.terminal:
                        submission.cancel(self.stores, job.job_id)
                return [self.stores.jobs.get(j) for j in job_ids]
            time.sleep(poll)

    def result(self, job: Job) -> dict[str, Any] | None:
        if not job.result_key:
            return None
        try:
            data: dict[str, Any] = self.stores.documents.get_json(job.result_key)
        except NotFound:
            return None
        return data

    def entries(self, files: Sequence[Path], jobs: Sequence[Job]) -> list[dict[str, Any]]:
        return [document_entry(f.name, j, self.result(j)) for f, j in zip(files, jobs, strict=True)]
