"""`paperlane process`: submit files to the local stack, show progress, collect the contract output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from paperlane.jobs import Job


def process(
    files: list[Path],
    *,
    profile: str,
    password: str | None,
    timeout: float,
    progress: bool,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    from rich.progress import BarColumn, Progress, TaskID, TextColumn

    from paperlane.local.quiet import quiet_logs
    from paperlane.local.runner import Run
    from paperlane.local.stack import LocalStack

    quiet_logs("ERROR")
    with LocalStack() as stack:
        run = Run.on(stack)
        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[state]}"),
            disable=not progress,
            console=_stderr_console(),
        )
        with bars:
            tasks: dict[str, TaskID] = {}
            jobs: list[Job] = []
            for path in files:
                job = run.submit(path, profile=profile, password=password, options=options)
                jobs.append(job)
                tasks.setdefault(job.job_id, bars.add_task(path.name[:40], total=100, state=job.status.value))

            def show(current: list[Job]) -> None:
                for job in current:
                    state = job.status.value if job.status.terminal else job.current_stage.value
                    bars.update(tasks[job.job_id], completed=job.progress_percent, state=state)

            finished = run.wait([j.job_id for j in jobs], timeout=timeout, on_progress=show)
        return run.entries(files, finished)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)
