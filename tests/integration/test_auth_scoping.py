"""Whose work a caller sees: operators their own, a viewer that of the user it reads for (masked), and
admins everyone's, across jobs, batches, documents, results, games, reports and exports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane import clock
from paperlane.auth.roles import Role
from paperlane.config import PipelineSettings
from paperlane.jobs import Batch, Job, JobStatus
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from paperlane.pipeline.context import Stores, stores
from tests.auth_helpers import PASSWORD, bearer, ensure_user, signed_in_client

AADHAAR = "2345 6789 7116"


@dataclass
class Work:
    alice: str
    bob: str
    batch_id: str
    alice_job: str
    bob_job: str
    league: str


def _seed_job(st: Stores, owner: str, batch_id: str | None, league: str) -> str:
    """A completed deed-and-coupon job of ``owner``: a result with an Aadhaar number, and one game."""
    job_id = uuid.uuid4().hex
    stamp = clock.iso()
    result_key = f"results/{job_id}.json"
    st.documents.put_json(
        result_key,
        {"profile": "sale_deed", "records": [{"buyers": [{"name": "Asha", "aadhaar_number": AADHAAR}]}]},
    )
    st.jobs.create(
        Job(
            job_id=job_id,
            status=JobStatus.COMPLETED,
            profile="sale_deed",
            filename=f"{owner}.pdf",
            source_key=f"inbox/{owner}.pdf",
            sha256="0" * 64,
            size_bytes=1,
            owner=owner,
            batch_id=batch_id,
            created_at=stamp,
            completed_at=stamp,
            result_key=result_key,
        )
    )
    game = {"league": league, "date": "2026-05-01", "home_team": "Arsenal", "away_team": "Everton"}
    st.records.replace(job_id, "football_odds", stamp, "game", [game], owner=owner)
    return job_id


@pytest.fixture(scope="module")
def work(stack: LocalStack) -> Work:
    st = stores(PipelineSettings.model_validate(stack.api_environment()))
    tag = uuid.uuid4().hex[:6]
    alice, bob, league = f"alice-{tag}", f"bob-{tag}", f"League {tag}"
    for name in (alice, bob):
        ensure_user(stack, name, Role.OPERATOR)
    batch_id = f"b-{tag}00"
    st.jobs.create_batch(Batch(batch_id=batch_id, owner=alice, profile="sale_deed"))
    alice_job = _seed_job(st, alice, batch_id, league)
    bob_job = _seed_job(st, bob, None, league)
    return Work(alice, bob, batch_id, alice_job, bob_job, league)


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> Any:
    with signed_in_client(stack, "root-admin", Role.ADMIN) as c:
        yield c


def _viewer(admin: TestClient, reads_for: str | None) -> str:
    name = f"viewer-{uuid.uuid4().hex[:8]}"
    body = {"username": name, "password": PASSWORD, "roles": ["viewer"], "reads_for": reads_for}
    r = admin.post("/api/v1/users", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["reads_for"] == reads_for
    return name


def _ids(client: TestClient, path: str, key: str, **params: Any) -> set[str]:
    r = client.get(path, params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return {item[key] for item in r.json()["items"]}


def _games(client: TestClient, league: str) -> set[str]:
    r = client.get("/api/v1/games", params={"league": league})
    assert r.status_code == 200, r.text
    return {g["job_id"] for g in r.json()["games"]}


def test_a_viewer_reading_for_nobody_sees_no_ones_work(
    stack: LocalStack, admin: TestClient, work: Work
) -> None:
    with signed_in_client(stack, _viewer(admin, None), Role.VIEWER) as viewer:
        for job_id in (work.alice_job, work.bob_job):
            assert viewer.get(f"/api/v1/jobs/{job_id}").status_code == 404
            assert viewer.get(f"/api/v1/jobs/{job_id}/result").status_code == 404
            assert viewer.get(f"/api/v1/documents/{job_id}").status_code == 404
        assert viewer.get(f"/api/v1/batches/{work.batch_id}").status_code == 404
        assert _ids(viewer, "/api/v1/jobs", "job_id") == set()
        assert _ids(viewer, "/api/v1/batches", "batch_id") == set()
        assert _ids(viewer, "/api/v1/documents", "document_id") == set()
        assert _games(viewer, work.league) == set()


def test_a_viewer_reading_for_an_operator_sees_that_work_only_read_only_and_masked(
    stack: LocalStack, admin: TestClient, work: Work
) -> None:
    name = _viewer(admin, work.alice)
    with signed_in_client(stack, name, Role.VIEWER) as viewer:
        assert viewer.get("/auth/me").json()["reads_for"] == work.alice
        assert viewer.get(f"/api/v1/jobs/{work.alice_job}").json()["owner"] == work.alice
        assert viewer.get(f"/api/v1/jobs/{work.bob_job}").status_code == 404
        jobs = _ids(viewer, "/api/v1/jobs", "job_id")
        assert work.alice_job in jobs and work.bob_job not in jobs

        assert viewer.get(f"/api/v1/batches/{work.batch_id}").json()["jobs"][0]["job_id"] == work.alice_job
        assert _ids(viewer, "/api/v1/batches", "batch_id") == {work.batch_id}

        documents = _ids(viewer, "/api/v1/documents", "document_id")
        assert work.alice_job in documents and work.bob_job not in documents
        for path in (f"/api/v1/documents/{work.alice_job}", f"/api/v1/jobs/{work.alice_job}/result"):
            buyer = viewer.get(path).json()["records"][0]["buyers"][0]
            # Masked (the exact form is paperlane.auth.masking's): the last four digits only.
            masked = buyer["aadhaar_number"]
            assert masked.endswith("7116") and "2345" not in masked and "6789" not in masked, path
        assert viewer.get(f"/api/v1/documents/{work.bob_job}").status_code == 404

        assert _games(viewer, work.league) == {work.alice_job}

        # Read only: no control over the jobs it reads, no exports.
        assert viewer.post(f"/api/v1/jobs/{work.alice_job}/cancel").status_code == 403
        assert viewer.get("/api/v1/export/json", params={"profile": "football_odds"}).status_code == 403

        # An API key of that viewer reads the same (and no more).
        key = viewer.post("/api/v1/keys", json={"name": "dashboard"}).json()["api_key"]
    with TestClient(build_app(stack), headers={"X-API-Key": key}) as machine:
        assert machine.get(f"/api/v1/jobs/{work.alice_job}").status_code == 200
        assert machine.get(f"/api/v1/jobs/{work.bob_job}").status_code == 404


def test_operators_see_their_own_work_and_admins_everyones_unmasked(
    stack: LocalStack, admin: TestClient, work: Work
) -> None:
    with TestClient(build_app(stack), headers=bearer(stack, work.bob, Role.OPERATOR)) as bob:
        assert bob.get(f"/api/v1/jobs/{work.alice_job}").status_code == 404
        assert bob.get(f"/api/v1/batches/{work.batch_id}").status_code == 404
        assert _games(bob, work.league) == {work.bob_job}
        exported = bob.get("/api/v1/export/json", params={"profile": "football_odds"})
        assert exported.status_code == 200
        assert work.bob_job in exported.text and work.alice_job not in exported.text
        buyer = bob.get(f"/api/v1/documents/{work.bob_job}").json()["records"][0]["buyers"][0]
        assert buyer["aadhaar_number"] == AADHAAR
    assert _games(admin, work.league) == {work.alice_job, work.bob_job}
    assert {work.alice_job, work.bob_job} <= _ids(admin, "/api/v1/documents", "document_id")


def test_reads_for_is_validated_changed_and_cleared(stack: LocalStack, admin: TestClient, work: Work) -> None:
    def refused(r: Any, fragment: str) -> None:
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["code"] == "INVALID_REQUEST" and fragment in error["message"]
        assert error["details"] == {"field": "reads_for"}

    other = _viewer(admin, None)
    new = {"username": f"v-{uuid.uuid4().hex[:8]}", "password": PASSWORD, "roles": ["viewer"]}
    refused(admin.post("/api/v1/users", json={**new, "reads_for": "nobody-at-all"}), "names no user")
    refused(admin.post("/api/v1/users", json={**new, "reads_for": other}), "not a viewer")
    refused(admin.post("/api/v1/users", json={**new, "reads_for": new["username"]}), "itself")
    refused(
        admin.post("/api/v1/users", json={**new, "roles": ["operator"], "reads_for": work.alice}),
        "one role is viewer",
    )

    name = _viewer(admin, None)
    assert admin.patch(f"/api/v1/users/{name}", json={"reads_for": work.bob}).json()["reads_for"] == work.bob
    with signed_in_client(stack, name, Role.VIEWER) as viewer:
        # Changes apply to existing tokens at once: the user is read per request.
        assert viewer.get(f"/api/v1/jobs/{work.bob_job}").status_code == 200
        # Another role needs reads_for cleared, in the same request or before.
        refused(admin.patch(f"/api/v1/users/{name}", json={"roles": ["viewer", "operator"]}), "one role")
        # Other changes keep it; an explicit null clears it.
        assert admin.patch(f"/api/v1/users/{name}", json={"is_active": True}).json()["reads_for"] == work.bob
        assert admin.patch(f"/api/v1/users/{name}", json={"reads_for": None}).json()["reads_for"] is None
        assert viewer.get(f"/api/v1/jobs/{work.bob_job}").status_code == 404
        assert admin.get(f"/api/v1/users/{name}").json()["reads_for"] is None
    promoted = admin.patch(f"/api/v1/users/{name}", json={"roles": ["operator"], "reads_for": None})
    assert promoted.status_code == 200 and promoted.json()["roles"] == ["operator"]
