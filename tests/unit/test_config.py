from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError

from paperlane.config import PipelineSettings, StoreSettings, environ, function_environment, load


def test_missing_table_name_is_an_error_not_a_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBS_TABLE", raising=False)
    with (
        function_environment({"DOCUMENTS_BUCKET": "bucket", "RECORDS_TABLE": "records"}),
        pytest.raises(ValidationError, match="JOBS_TABLE"),
    ):
        load(StoreSettings)


def test_each_thread_sees_its_own_function_environment() -> None:
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        with function_environment(
            {"JOBS_TABLE": f"jobs-{name}", "DOCUMENTS_BUCKET": "bkt", "RECORDS_TABLE": "rec"}
        ):
            barrier.wait()  # both overlays are active at once
            seen[name] = load(StoreSettings).jobs_table

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": "jobs-a", "b": "jobs-b"}
    assert environ().get("JOBS_TABLE") != "jobs-a"


def test_limits_are_validated() -> None:
    env = {"DOCUMENTS_BUCKET": "bkt", "JOBS_TABLE": "jobs", "RECORDS_TABLE": "rec", "MAX_PAGES": "0"}
    with function_environment(env), pytest.raises(ValidationError, match="MAX_PAGES"):
        load(PipelineSettings)
