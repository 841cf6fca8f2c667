"""Custom profiles: registered through the API by an admin, used by uploads, read by the LLM backend."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.local.stack import LocalStack
from tests.auth_helpers import signed_in_client
from tests.fakellm import FakeModel, llm_backend
from tests.pdfgen import text_pdf

SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "total": {"type": "number"},
    },
    "required": ["invoice_number", "total"],
}


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> Iterator[TestClient]:
    with signed_in_client(stack, "profiles-admin", Role.ADMIN) as c:
        yield c


@pytest.fixture(scope="module")
def operator(stack: LocalStack) -> Iterator[TestClient]:
    with signed_in_client(stack, "profiles-operator", Role.OPERATOR) as c:
        yield c


def _spec(name: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": "Supplier invoices",
        "instructions": "Read the invoice number and the total amount due.",
        "json_schema": SCHEMA,
        **overrides,
    }


def _name() -> str:
    return f"invoice-{uuid.uuid4().hex[:8]}"


def _wait(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while True:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_admins_register_list_read_and_remove_custom_profiles(
    admin: TestClient, operator: TestClient
) -> None:
    name = _name()
    r = admin.post("/api/v1/profiles", json=_spec(name))
    assert r.status_code == 201, r.text
    assert r.json()["created_by"] == "profiles-admin" and r.json()["kind"] == "custom"
    listed = {p["name"]: p["kind"] for p in operator.get("/api/v1/profiles").json()["items"]}
    assert listed["sale_deed"] == "built-in" and listed[name] == "custom"
    assert operator.get(f"/api/v1/profiles/{name}").json()["json_schema"] == SCHEMA
    assert admin.post("/api/v1/profiles", json=_spec(name)).status_code == 409
    assert admin.delete(f"/api/v1/profiles/{name}").status_code == 204
    assert admin.get(f"/api/v1/profiles/{name}").status_code == 404
    assert admin.delete(f"/api/v1/profiles/{name}").status_code == 404


def test_bad_specs_and_roles_are_refused(admin: TestClient, operator: TestClient) -> None:
    assert operator.post("/api/v1/profiles", json=_spec(_name())).status_code == 403
    assert admin.post("/api/v1/profiles", json=_spec("sale_deed")).status_code == 409
    assert admin.delete("/api/v1/profiles/generic").status_code == 409
    bad = [
        _spec("Bad Name"),
        _spec(_name(), json_schema={"type": "string"}),
        _spec(_name(), instructions=""),
        _spec(_name(), unknown_field=1),
    ]
    for body in bad:
        r = admin.post("/api/v1/profiles", json=body)
        assert r.status_code == 422, (body, r.text)


def test_without_a_backend_a_custom_profile_job_fails_with_a_stable_code(
    admin: TestClient, operator: TestClient
) -> None:
    name = _name()
    assert admin.post("/api/v1/profiles", json=_spec(name)).status_code == 201
    pdf = text_pdf([f"INVOICE {uuid.uuid4().hex[:6]}\nTotal due 120.50"])
    r = operator.post(
        "/api/v1/upload", files={"file": ("inv.pdf", pdf, "application/pdf")}, data={"profile": name}
    )
    assert r.status_code == 201, r.text
    job = _wait(operator, r.json()["job_id"])
    assert job["status"] == "failed" and job["error"]["code"] == "LLM_NOT_CONFIGURED"
    assert "LLM_BACKEND" in job["error"]["message"]


def test_a_custom_profile_is_read_by_the_configured_model(
    stack: LocalStack, admin: TestClient, operator: TestClient
) -> None:
    name = _name()
    assert admin.post("/api/v1/profiles", json=_spec(name)).status_code == 201
    number = f"INV-{uuid.uuid4().hex[:6].upper()}"
    pdf = text_pdf([f"INVOICE {number}\nTotal due 120.50"])
    with FakeModel({"invoice_number": number, "total": 120.5}) as model, llm_backend(stack, model.url):
        r = operator.post(
            "/api/v1/upload", files={"file": ("inv.pdf", pdf, "application/pdf")}, data={"profile": name}
        )
        job = _wait(operator, r.json()["job_id"])
    assert job["status"] == "completed", job
    assert job["summary"]["llm_calls"] == 1
    result = operator.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    assert result["record"] == {"invoice_number": number, "total": 120.5}
    assert number in str(model.requests[0]["messages"]), "the document's text reached the model"


def test_an_unknown_profile_is_a_clear_400(operator: TestClient) -> None:
    pdf = text_pdf(["x"])
    r = operator.post(
        "/api/v1/upload", files={"file": ("x.pdf", pdf, "application/pdf")}, data={"profile": "nope-x"}
    )
    assert r.status_code == 400 and "Unknown profile" in r.json()["error"]["message"]
