"""Viewers read identity numbers masked through the API, wherever they sit: a sale deed's record, the raw
page text of a deed read with the generic profile, a custom profile's own field names. Operators and
admins read them whole. (Viewers may not export at all: paperlane.auth.policy.)"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane.auth.models import NewUser
from paperlane.auth.roles import Role
from paperlane.local.stack import LocalStack
from paperlane.pii import verhoeff_digit
from tests import deedgen
from tests.auth_helpers import PASSWORD, service, signed_in_client
from tests.fakellm import FakeModel, llm_backend
from tests.pdfgen import text_pdf


@dataclass
class Readers:
    operator: TestClient
    viewer: TestClient
    admin: TestClient


@pytest.fixture(scope="module")
def readers(stack: LocalStack) -> Iterator[Readers]:
    tag = uuid.uuid4().hex[:6]
    owner, viewer = f"mask-op-{tag}", f"mask-viewer-{tag}"
    with signed_in_client(stack, owner, Role.OPERATOR) as op:
        # A viewer who reads the operator's documents.
        service(stack).create_user(
            NewUser(username=viewer, password=PASSWORD, roles=[Role.VIEWER], reads_for=owner)
        )
        with (
            signed_in_client(stack, viewer, Role.VIEWER) as view,
            signed_in_client(stack, f"mask-admin-{tag}", Role.ADMIN) as admin,
        ):
            yield Readers(op, view, admin)


def _upload(client: TestClient, pdf: bytes, profile: str) -> str:
    r = client.post(
        "/api/v1/upload", files={"file": ("deed.pdf", pdf, "application/pdf")}, data={"profile": profile}
    )
    assert r.status_code == 201, r.text
    job_id = str(r.json()["job_id"])
    deadline = time.monotonic() + 120
    while (status := client.get(f"/api/v1/jobs/{job_id}").json()["status"]) != "completed":
        assert status not in ("failed", "cancelled") and time.monotonic() < deadline, status
        time.sleep(0.05)
    return job_id


def _reads(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    """The document as both routes serve it."""
    out = []
    for url in (f"/api/v1/documents/{job_id}", f"/api/v1/jobs/{job_id}/result"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text)
        out.append(r.json())
    return out


def _printed(value: str) -> str:
    """Digits and letters only: how a number reads whatever its grouping."""
    return re.sub(r"[^0-9A-Za-z]", "", value)


@pytest.fixture(scope="module")
def generated() -> deedgen.Deed:
    # A deed no other test has (equal files are one job, owned by whoever sent it first).
    return deedgen.deed(random.randrange(10_000, 10**9))


def _identities(deed: deedgen.Deed) -> list[tuple[str, str]]:
    return [
        (p["aadhaar_number"], p["pan_card_number"]) for p in deed.record["buyers"] + deed.record["sellers"]
    ]


def test_a_viewer_reads_a_sale_deed_with_aadhaar_and_pan_masked(
    readers: Readers, generated: deedgen.Deed
) -> None:
    job_id = _upload(readers.operator, generated.pdf, "sale_deed")
    for doc in _reads(readers.viewer, job_id):
        parties = doc["record"]["buyers"] + doc["record"]["sellers"]
        assert {p["name"] for p in parties} >= {p["name"] for p in generated.record["buyers"]}
        for party in parties:
            aadhaar, pan = party["aadhaar_number"], party["pan_card_number"]
            assert re.fullmatch(r"X{8}\d{4}", aadhaar) and re.fullmatch(r"X{6}\d{3}[A-Z]", pan), party
        flat = _printed(str(doc))
        for aadhaar, pan in _identities(generated):
            assert aadhaar not in flat and pan not in flat
    for reader in (readers.operator, readers.admin):
        for doc in _reads(reader, job_id):
            got = {
                (p["aadhaar_number"], p["pan_card_number"])
                for p in doc["record"]["buyers"] + doc["record"]["sellers"]
            }
            assert got == set(_identities(generated))
    assert readers.viewer.get("/api/v1/export/json", params={"profile": "sale_deed"}).status_code == 403


def test_a_deed_read_with_the_generic_profile_shows_a_viewer_no_identity_number(
    readers: Readers, generated: deedgen.Deed
) -> None:
    job_id = _upload(readers.operator, generated.pdf, "generic")
    full = " ".join(p["text"] for p in _reads(readers.operator, job_id)[0]["pages"])
    for aadhaar, pan in _identities(generated):
        assert aadhaar in _printed(full) and pan in full, "the page text holds the numbers as printed"
    for doc in _reads(readers.viewer, job_id):
        text = " ".join(p["text"] for p in doc["pages"])
        for aadhaar, pan in _identities(generated):
            assert aadhaar not in _printed(text) and pan not in text
            # Masked in place, in the grouping it was printed with: "XXXX XXXX 7116", "XXXXXX379P".
            assert re.search(rf"X{{4}}[ -]?X{{4}}[ -]?{aadhaar[-4:]}\b", text), aadhaar[-4:]
            assert f"XXXXXX{pan[-4:]}" in text
        # Other numbers stay readable: the deed's own number, amounts, PIN codes.
        assert generated.record["property"]["pincode"] in _printed(text)
        assert generated.record["document_id"] in text
    assert _reads(readers.admin, job_id)[0]["pages"] == _reads(readers.operator, job_id)[0]["pages"]


def test_a_custom_profiles_identity_fields_are_masked_by_name(stack: LocalStack, readers: Readers) -> None:
    name = f"kyc-{uuid.uuid4().hex[:8]}"
    schema = {
        "type": "object",
        "properties": {
            "holder": {"type": "string"},
            "aadhaar_no": {"type": "string"},
            "panNumber": {"type": "string"},
            "notes": {"type": "string"},
        },
    }
    spec = {"name": name, "instructions": "Read the KYC form.", "json_schema": schema}
    assert readers.admin.post("/api/v1/profiles", json=spec).status_code == 201
    body = "28842879711"
    bad_check_digit = body + str((int(verhoeff_digit(body)) + 1) % 10)  # masked by its name all the same
    good = "49731240587" + verhoeff_digit("49731240587")
    answer = {
        "holder": "Kavya Rao",
        "aadhaar_no": bad_check_digit,
        "panNumber": "CKRPR4821M",
        "notes": f"Spouse's Aadhaar {good[:4]}-{good[4:8]}-{good[8:]}, PAN BQXPG0379P, account 123456789012.",
    }
    pdf = text_pdf([f"KYC FORM {uuid.uuid4().hex}\nHolder: Kavya Rao"])
    with FakeModel(answer) as model, llm_backend(stack, model.url):
        job_id = _upload(readers.operator, pdf, name)
    readers.admin.delete(f"/api/v1/profiles/{name}")
    for doc in _reads(readers.viewer, job_id):
        record = doc["record"]
        assert record["holder"] == "Kavya Rao"
        assert record["aadhaar_no"] == "XXXXXXXX" + bad_check_digit[-4:]
        assert record["panNumber"] == "XXXXXX821M"
        assert record["notes"] == (
            f"Spouse's Aadhaar XXXX-XXXX-{good[-4:]}, PAN XXXXXX379P, account 123456789012."
        ), "a 12-digit number without a valid check digit is no Aadhaar"
    for doc in _reads(readers.operator, job_id):
        assert doc["record"] == answer
