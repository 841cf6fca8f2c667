"""The export API on the local stack: jobs and records seeded through the repositories, read back
through GET /api/v1/export/{excel,csv,json}. Seeded documents are dated in a year of their own, so
date-range exports see only them whatever else the session created."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from paperlane import aws
from paperlane.api import export
from paperlane.api.app import create_app
from paperlane.auth.roles import Role
from paperlane.cli import export as cli_export
from paperlane.config import ExportSettings
from paperlane.errors import NotFound
from paperlane.export import jobs, synthetic
from paperlane.export.filters import ExportQuery, parse
from paperlane.export.source import ExportSource
from paperlane.export.store import ExportStore
from paperlane.jobs import Batch, Job, JobStatus
from paperlane.local.stack import LocalStack
from paperlane.pipeline.context import Stores, stores
from tests.auth_helpers import bearer
from tests.events import load_event

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Seeded:
    year: int
    tag: str
    deed_jobs: list[str] = field(default_factory=list)
    deed_ids: list[str] = field(default_factory=list)
    batch_a: Batch | None = None
    batch_b: Batch | None = None
    football_job: str = ""

    def month(self, m: int = 3) -> dict[str, str]:
        return {"start_date": f"{self.year}-{m:02d}-01", "end_date": f"{self.year}-{m:02d}-28"}


def _job(profile: str, created_at: str, *, batch_id: str | None = None, owner: str | None = None) -> Job:
    return Job(
        job_id=uuid.uuid4().hex,
        status=JobStatus.COMPLETED,
        profile=profile,
        filename=f"{profile}_{uuid.uuid4().hex[:6]}.pdf",
        source_key="inbox/x.pdf",
        sha256="0" * 64,
        size_bytes=1,
        batch_id=batch_id,
        owner=owner,
        created_at=created_at,
    )


@pytest.fixture(scope="module")
def st(stack: LocalStack) -> Stores:
    return stores(ExportSettings.model_validate(stack.api_environment()))


@pytest.fixture(scope="module")
def seeded(st: Stores) -> Seeded:
    rng = random.Random()
    s = Seeded(year=rng.randint(2200, 2900), tag=uuid.uuid4().hex[:8])
    s.batch_a = Batch(
        batch_id="b-" + uuid.uuid4().hex[:12], name=f"Deeds A {s.tag}", profile="sale_deed", owner="alice"
    )
    s.batch_b = Batch(
        batch_id="b-" + uuid.uuid4().hex[:12], name=f"Deeds B {s.tag}", profile="sale_deed", owner="bob"
    )
    plan = [
        (s.batch_a.batch_id, "alice"),
        (s.batch_a.batch_id, "alice"),
        (s.batch_b.batch_id, "bob"),
        (None, "alice"),
    ]
    for day, (batch_id, owner) in enumerate(plan, start=1):
        created = f"{s.year}-03-{day:02d}T10:00:00.000Z"
        job = _job("sale_deed", created, batch_id=batch_id, owner=owner)
        st.jobs.create(job)
        deed = synthetic.deed(rng, sellers=1, buyers=2)
        deed["document_id"] = f"DOC-{day}-{s.tag}"
        st.records.replace(job.job_id, "sale_deed", created, "deed", [deed])
        s.deed_jobs.append(job.job_id)
        s.deed_ids.append(deed["document_id"])
    s.batch_a.job_ids = s.deed_jobs[:2]
    s.batch_b.job_ids = s.deed_jobs[2:3]
    st.jobs.create_batch(s.batch_a)
    st.jobs.create_batch(s.batch_b)
    created = f"{s.year}-04-02T09:00:00.000Z"
    game_job = _job("football_odds", created)
    st.jobs.create(game_job)
    st.records.replace(
        game_job.job_id, "football_odds", created, "game", [synthetic.game(rng) for _ in range(3)]
    )
    st.records.replace(
        game_job.job_id,
        "football_odds",
        created,
        "anomaly",
        [{"game": 2, "type": "odds", "message": "margin", "severity": "warning"}],
    )
    s.football_job = game_job.job_id
    return s


def _client(stack: LocalStack, **env: str) -> Iterator[TestClient]:
    app = create_app(export.router, environment={**stack.api_environment(), **env})
    # An admin exports everyone's documents (operators only their own: see the owner tests).
    with TestClient(app, headers=bearer(stack, "export-admin", Role.ADMIN)) as c:
        yield c


@pytest.fixture(scope="module")
def client(stack: LocalStack) -> Iterator[TestClient]:
    yield from _client(stack)


@pytest.fixture(scope="module")
def tiny(stack: LocalStack) -> Iterator[TestClient]:
    """Exports of more than 2 rows go through S3."""
    yield from _client(stack, EXPORT_INLINE_MAX_ROWS="2")


def _sheet(content: bytes, name: str) -> list[list[Any]]:
    return [list(r) for r in load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True)]


def _filename(response: httpx.Response) -> str:
    return response.headers["content-disposition"].split('filename="')[1].rstrip('"')


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["timestamp"]
    return str(error["message"])


def test_excel_by_date_range_one_row_per_party_in_created_order(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/api/v1/export/excel", params={"profile": "sale_deed", **seeded.month()})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert _filename(r) == f"{seeded.year}-03-01_to_{seeded.year}-03-28.xlsx"
    rows = _sheet(r.content, "Sale_Deeds")
    assert rows[0][:3] == ["SL_NO", "USER_TYPE", "Document_ID"] and len(rows) == 1 + 4 * 3
    assert [r[2] for r in rows[1::3]] == seeded.deed_ids
    assert [r[1] for r in rows[1:4]] == ["S", "B", "B"]


def test_index_window_is_a_slice_of_the_created_order(client: TestClient, seeded: Seeded) -> None:
    params = {"profile": "sale_deed", **seeded.month(), "start_index": 1, "end_index": 3}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/export/csv", params=params).text)))
    assert sorted({r["Document_ID"] for r in rows}) == sorted(seeded.deed_ids[1:3])
    assert [r["SL_NO"] for r in rows] == ["1"] * 3 + ["2"] * 3


def test_batches_by_id_and_by_name_infer_the_profile(client: TestClient, seeded: Seeded) -> None:
    assert seeded.batch_a and seeded.batch_b
    one = client.get("/api/v1/export/excel", params={"batch_ids": seeded.batch_a.batch_id})
    assert one.status_code == 200, one.text
    assert _filename(one) == f"Deeds_A_{seeded.tag}.xlsx"
    assert [r[2] for r in _sheet(one.content, "Sale_Deeds")[1::3]] == seeded.deed_ids[:2]
    names = f"{seeded.batch_a.name},{seeded.batch_b.name}"
    both = client.get("/api/v1/export/json", params={"download_type": "batch", "batch_names": names})
    assert both.status_code == 200, both.text
    assert _filename(both) == "multiple_batches_2.ndjson"
    assert both.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in both.text.splitlines()]
    assert [line["Document_ID"] for line in lines[::3]] == seeded.deed_ids[:3]
    assert isinstance(lines[0]["Sale_Consideration"], int | float)


def test_whole_data_holds_every_document_of_the_profile(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/api/v1/export/csv", params={"profile": "sale_deed"})
    assert r.status_code == 200 and _filename(r) == "whole_data.csv"
    assert r.headers["content-type"].startswith("text/csv")
    assert set(seeded.deed_ids) <= {row["Document_ID"] for row in csv.DictReader(io.StringIO(r.text))}


def test_football_workbook_with_anomalies(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/api/v1/export/excel", params={"profile": "football_odds", **seeded.month(4)})
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Games", "Anomalies"]
    games = wb["Games"]
    assert games.max_row == 4 and games["T2"].value == seeded.football_job
    assert [games.cell(row, 1).fill.fill_type for row in (2, 3, 4)] == [None, "solid", None]
    assert wb["Anomalies"]["C2"].value == "odds"


def test_nothing_matching_is_404_in_the_error_envelope(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/api/v1/export/excel", params={"profile": "sale_deed", **seeded.month(7)})
    assert "No sale_deed documents" in _error(r, 404, "NOT_FOUND")
    _error(client.get("/api/v1/export/csv", params={"batch_ids": "b-000000000000"}), 404, "NOT_FOUND")
    _error(client.get("/api/v1/export/csv", params={"batch_names": f"nope {seeded.tag}"}), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"profile": "invoices"}, 400, "invoices"),
        ({"profile": "sale_deed", "start_date": "2025-02-30", "end_date": "2025-03-01"}, 422, "start_date"),
        ({"profile": "sale_deed", "start_date": "2025-03-02", "end_date": "2025-03-01"}, 400, "before"),
        ({"profile": "sale_deed", "start_index": 3, "end_index": 1}, 400, "end_index"),
        ({"profile": "sale_deed", "download_type": "batch"}, 400, "batch_ids"),
        ({}, 400, "profile"),
    ],
)
def test_bad_parameters_say_what_is_wrong(
    client: TestClient, params: dict[str, Any], status: int, field: str
) -> None:
    assert field in _error(client.get("/api/v1/export/excel", params=params), status, "INVALID_REQUEST")


def test_large_exports_redirect_to_a_presigned_url(tiny: TestClient, seeded: Seeded) -> None:
    params = {"profile": "sale_deed", **seeded.month()}
    r = tiny.get("/api/v1/export/excel", params=params, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "/exports/" in r.headers["location"]
    download = httpx.get(r.headers["location"])
    assert download.status_code == 200
    assert len(_sheet(download.content, "Sale_Deeds")) == 13
    link = tiny.get("/api/v1/export/csv", params={**params, "redirect": "false"}).json()
    assert link["filename"].endswith(".csv") and link["rows"] == 12 and link["key"].startswith("exports/")
    assert httpx.get(link["url"]).text.count("\r\n") == 13


def test_the_owner_filter_keeps_one_users_documents(st: Stores, stack: LocalStack, seeded: Seeded) -> None:
    assert seeded.batch_a and seeded.batch_b
    settings = ExportSettings.model_validate(stack.api_environment())
    source = ExportSource(
        st.jobs,
        st.records,
        aws.dynamodb(),
        settings.records_table,
        jobs_table=settings.jobs_table,
        page_size=2,
    )

    def jobs(**params: Any) -> list[str]:
        f = parse(ExportQuery.model_validate({"profile": "sale_deed", **params}), owner="alice")
        return [d.job.job_id for d in source.documents(source.select(f), ("deed",))]

    j = seeded.deed_jobs
    assert jobs(**seeded.month()) == [j[0], j[1], j[3]]
    assert jobs(batch_names=seeded.batch_a.name) == [j[0], j[1]]
    with pytest.raises(NotFound):
        jobs(batch_ids=seeded.batch_b.batch_id)


def test_operators_export_their_own_documents_and_viewers_none(stack: LocalStack, seeded: Seeded) -> None:
    app = create_app(export.router, environment=stack.api_environment())
    with TestClient(app, headers=bearer(stack, "alice", Role.OPERATOR)) as alice:
        r = alice.get("/api/v1/export/csv", params={"profile": "sale_deed", **seeded.month()})
        assert r.status_code == 200, r.text
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [r["Document_ID"] for r in rows[::3]] == [seeded.deed_ids[i] for i in (0, 1, 3)]
        assert seeded.batch_b is not None
        bobs = alice.get("/api/v1/export/csv", params={"batch_ids": seeded.batch_b.batch_id})
        assert bobs.status_code == 404
    with TestClient(app, headers=bearer(stack, "export-viewer", Role.VIEWER)) as viewer:
        assert viewer.get("/api/v1/export/csv", params={"profile": "sale_deed"}).status_code == 403


def test_export_handler_behind_api_gateway(stack: LocalStack, seeded: Seeded) -> None:
    fn = stack.lambdas.get(stack.physical_name("ExportFunction"))
    assert fn is not None
    month = seeded.month()
    event = load_event("export", START_DATE=month["start_date"], END_DATE=month["end_date"])
    payload, errored, _ = stack.lambdas.invoke(fn, event)
    response = json.loads(payload)
    assert not errored and response["statusCode"] == 200, response
    headers = {k.lower(): v for k, v in response["headers"].items()}
    # The principal came from the authorizer's context: an admin's rate limit.
    assert headers["x-ratelimit-limit"] == "10000"
    assert headers["content-disposition"].endswith(f'_to_{month["end_date"]}.csv"')
    assert headers["content-type"].startswith("text/csv") and not response["isBase64Encoded"]
    rows = list(csv.DictReader(io.StringIO(response["body"])))
    assert [r["Document_ID"] for r in rows[::3]] == seeded.deed_ids


# ------------------------------------------------------------------------------ asynchronous exports


@pytest.fixture(scope="module")
def capped(stack: LocalStack) -> Iterator[TestClient]:
    """Exports of more than 2 rows go through S3, and more than 5 rows are too many for a request."""
    yield from _client(stack, EXPORT_INLINE_MAX_ROWS="2", EXPORT_SYNC_MAX_ROWS="5")


def _store(stack: LocalStack) -> ExportStore:
    return ExportStore(aws.s3(), ExportSettings.model_validate(stack.api_environment()).documents_bucket)


def test_an_export_too_large_for_a_request_says_to_run_it_asynchronously(
    capped: TestClient, stack: LocalStack, seeded: Seeded
) -> None:
    params = {"profile": "sale_deed", **seeded.month()}
    r = capped.get("/api/v1/export/excel", params=params, follow_redirects=False)
    assert "POST the same filters to /api/v1/exports" in _error(r, 413, "EXPORT_TOO_LARGE")
    details = r.json()["error"]["details"]
    assert details["estimated_rows"] == 12 and details["max_rows"] == 5
    body = details["async_export"]["body"]
    assert body == {**params, "download_type": "dateRange", "format": "xlsx"}

    started = capped.post(details["async_export"]["path"], json=body)
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == job["status_url"] == f"/api/v1/exports/{job['export_id']}"
    # The local stack runs the worker before POST answers; on AWS it would still be queued or running.
    status = capped.get(job["status_url"]).json()
    assert status["status"] == "completed" and status["rows"] == 12 and status["error"] is None
    assert status["filename"] == f"{seeded.year}-03-01_to_{seeded.year}-03-28.xlsx"
    download = httpx.get(status["url"])
    assert download.status_code == 200
    assert _filename(download) == status["filename"]
    rows = _sheet(download.content, "Sale_Deeds")
    assert len(rows) == 13 and [r[2] for r in rows[1::3]] == seeded.deed_ids
    assert _store(stack).get_json(f"exports/{job['export_id']}/status.json") is not None


def test_asynchronous_exports_check_filters_at_once_and_belong_to_their_requester(
    stack: LocalStack, capped: TestClient, seeded: Seeded
) -> None:
    nothing = capped.post(
        "/api/v1/exports", json={"profile": "sale_deed", **seeded.month(7), "format": "csv"}
    )
    assert "No sale_deed documents" in _error(nothing, 404, "NOT_FOUND")
    _error(
        capped.post("/api/v1/exports", json={"profile": "sale_deed", "format": "pdf"}), 422, "INVALID_REQUEST"
    )
    _error(capped.post("/api/v1/exports", json={"download_type": "batch"}), 400, "INVALID_REQUEST")
    app = create_app(export.router, environment={**stack.api_environment(), "EXPORT_SYNC_MAX_ROWS": "5"})
    with TestClient(app, headers=bearer(stack, "alice", Role.OPERATOR)) as alice:
        mine = alice.post(
            "/api/v1/exports", json={"profile": "sale_deed", **seeded.month(), "format": "json"}
        )
        assert mine.status_code == 202, mine.text
        status = alice.get(mine.json()["status_url"]).json()
        # Alice's documents only (batch B is Bob's).
        assert status["status"] == "completed" and status["rows"] == 9
        lines = [json.loads(line) for line in httpx.get(status["url"]).text.splitlines()]
        assert [line["Document_ID"] for line in lines[::3]] == [seeded.deed_ids[i] for i in (0, 1, 3)]
    with TestClient(app, headers=bearer(stack, "bob", Role.OPERATOR)) as bob:
        _error(bob.get(mine.json()["status_url"]), 404, "NOT_FOUND")
    assert capped.get(mine.json()["status_url"]).json()["rows"] == 9  # an admin sees every export
    _error(capped.get(f"/api/v1/exports/{'0' * 32}"), 404, "NOT_FOUND")
    _error(capped.get("/api/v1/exports/not-an-id"), 422, "INVALID_REQUEST")


def test_the_worker_records_failures_and_a_stalled_export_is_reported(
    stack: LocalStack, capped: TestClient, seeded: Seeded
) -> None:
    store = _store(stack)
    old = "2020-01-01T00:00:00.000Z"
    queued = jobs.ExportStatus(
        export_id=jobs.new_export_id(),
        status="queued",
        format="csv",
        request={"profile": "sale_deed", **seeded.month(9)},
        requested_by="export-admin",
        filename="x.csv",
        created_at=old,
        updated_at=old,
    )
    store.put_json(jobs.status_key(queued.export_id), queued.model_dump(mode="json"))
    # Before the worker runs, it has not moved for years: its worker is gone.
    stalled = capped.get(f"/api/v1/exports/{queued.export_id}").json()
    assert stalled["status"] == "failed" and stalled["error"]["code"] == "TIMEOUT"

    fn = stack.lambdas.get(stack.physical_name("ExportWorkerFunction"))
    assert fn is not None
    payload, errored, _ = stack.lambdas.invoke(fn, load_event("export_worker", EXPORT_ID=queued.export_id))
    assert not errored and json.loads(payload)["status"] == "failed", payload
    failed = capped.get(f"/api/v1/exports/{queued.export_id}").json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "NOT_FOUND" and failed["url"] is None
    assert "No sale_deed documents" in failed["error"]["message"]


def test_the_cli_downloads_inline_presigned_and_asynchronous_exports(
    client: TestClient, tiny: TestClient, capped: TestClient, seeded: Seeded, tmp_path: Path
) -> None:
    query = ExportQuery.model_validate({"profile": "sale_deed", **seeded.month()})
    for name, api in (("inline", client), ("presigned", tiny), ("async", capped)):
        out, rows = cli_export.download(api, query, "csv", tmp_path / f"{name}.csv", timeout=30, poll=0.05)
        with out.open(newline="", encoding="utf-8") as fh:
            body = list(csv.DictReader(fh))
        assert [r["Document_ID"] for r in body[::3]] == seeded.deed_ids, name
        assert rows == (None if name == "presigned" else 12), name
    # Without --out: the server's filename.
    out, _ = cli_export.download(capped, query, "json", None, timeout=30, poll=0.05)
    try:
        assert out.name == f"{seeded.year}-03-01_to_{seeded.year}-03-28.ndjson" and out.stat().st_size > 0
    finally:
        out.unlink()
    nothing = ExportQuery.model_validate({"profile": "sale_deed", **seeded.month(7)})
    with pytest.raises(cli_export.ExportFailed, match="NOT_FOUND") as refused:
        cli_export.download(client, nothing, "csv", tmp_path / "none.csv", timeout=5)
    assert refused.value.code == 1 and not (tmp_path / "none.csv").exists()
