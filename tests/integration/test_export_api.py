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
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from paperlane import aws
from paperlane.api import export
from paperlane.api.app import create_app
from paperlane.auth.roles import Role
from paperlane.config import ExportSettings
from paperlane.errors import NotFound
from paperlane.export import synthetic
from paperlane.export.filters import ExportQuery, parse
from paperlane.export.source import ExportSource
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
    source = ExportSource(st.jobs, st.records, aws.dynamodb(), settings.records_table, page_size=2)

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
