"""Worker processes: a crash or a hang in one invocation fails that invocation only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperlane.local.lambda_runtime import LocalFunction
from paperlane.local.workers import WorkerPool

HANDLERS = """
import os, time

def handler(event, context):
    if event.get("crash"):
        os._exit(3)          # what a segfault in native code looks like from outside
    if event.get("hang"):
        time.sleep(60)
    if event.get("fail"):
        raise ValueError("bad input")
    return {"echo": event["value"], "function": context.function_name, "table": os.environ.get("JOBS_TABLE")}
"""


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool({}, size=2)
    yield workers
    workers.close()


@pytest.fixture(scope="module")
def fn(tmp_path_factory: pytest.TempPathFactory) -> LocalFunction:
    code = tmp_path_factory.mktemp("fn")
    (code / "app.py").write_text(HANDLERS)
    return LocalFunction(
        name="probe",
        logical_id="Probe",
        code_dir=Path(code),
        handler="app.handler",
        environment={"JOBS_TABLE": "jobs-probe"},
        timeout=2,
        isolated=True,
    )


def test_handler_runs_in_a_worker_with_its_environment(pool: WorkerPool, fn: LocalFunction) -> None:
    payload, errored, _ = pool.run(fn, {"value": 7})
    assert not errored
    assert json.loads(payload) == {"echo": 7, "function": "probe", "table": "jobs-probe"}


def test_an_exception_is_a_function_error_named_by_its_class(pool: WorkerPool, fn: LocalFunction) -> None:
    payload, errored, error_type = pool.run(fn, {"fail": True})
    assert errored and error_type == "ValueError"
    assert json.loads(payload)["errorMessage"] == "bad input"


def test_a_crash_fails_only_that_invocation(pool: WorkerPool, fn: LocalFunction) -> None:
    payload, errored, error_type = pool.run(fn, {"crash": True})
    assert errored and error_type == "Runtime.ExitError"
    assert "exited" in json.loads(payload)["errorMessage"]
    payload, errored, _ = pool.run(fn, {"value": "after crash"})
    assert not errored and json.loads(payload)["echo"] == "after crash"


def test_a_hang_is_killed_at_the_function_timeout(pool: WorkerPool, fn: LocalFunction) -> None:
    payload, errored, error_type = pool.run(fn, {"hang": True})
    assert errored and error_type == "Sandbox.Timedout"
    assert "2 seconds" in json.loads(payload)["errorMessage"]
    payload, errored, _ = pool.run(fn, {"value": "after hang"})
    assert not errored and json.loads(payload)["echo"] == "after hang"
