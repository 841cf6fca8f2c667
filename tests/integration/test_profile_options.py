"""Profile options given at upload: validated with a clear error, kept on the job, applied by the
profile (football: which games are kept and the overround band its anomalies use)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.local.runner import Run
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from tests.auth_helpers import bearer
from tests.coupongen import coupon
from tests.integration.conftest import wait_for


@pytest.fixture(scope="module")
def operator(stack: LocalStack) -> TestClient:
    return TestClient(build_app(stack), headers=bearer(stack, "options-operator", Role.OPERATOR))


def _upload(client: TestClient, pdf: bytes, profile: str, options: Any = None) -> Any:
    data = {"profile": profile}
    if options is not None:
        data["options"] = options if isinstance(options, str) else json.dumps(options)
    return client.post("/api/v1/upload", files={"file": ("coupon.pdf", pdf, "application/pdf")}, data=data)


def _anomalies(client: TestClient, run: Run, job_id: str) -> Counter[str]:
    assert wait_for(run, job_id, timeout=120).status.value == "completed"
    result = client.get(f"/api/v1/jobs/{job_id}/result").json()
    return Counter(a["type"] for a in result["anomalies"])


def test_the_band_an_upload_gives_is_the_one_its_anomalies_use(operator: TestClient, run: Run) -> None:
    pdf = coupon(1).pdf
    default = _upload(operator, pdf, "football_odds")
    wide = _upload(operator, pdf, "football_odds", {"overround_min": 0.9, "overround_max": 1.6})
    assert default.status_code == wide.status_code == 201, wide.text
    # The same file with other options is another job, and the job says what it was given.
    assert default.json()["job_id"] != wide.json()["job_id"]
    job = operator.get(f"/api/v1/jobs/{wide.json()['job_id']}").json()
    assert job["options"] == {"overround_min": 0.9, "overround_max": 1.6}

    usual = _anomalies(operator, run, default.json()["job_id"])
    lenient = _anomalies(operator, run, wide.json()["job_id"])
    assert usual["margin_high"] > 0 and lenient["margin_high"] == 0
    assert lenient["margin_low"] < usual["margin_low"]


@pytest.mark.parametrize(
    ("profile", "options", "says"),
    [
        ("football_odds", "{not json", "`options` is not valid JSON"),
        ("football_odds", "[1, 2]", "`options` must be a JSON object"),
        ("football_odds", {"overround_min": 1.3, "overround_max": 1.2}, "must be below its high end"),
        ("football_odds", {"main_matches": True}, "main_matches: Extra inputs are not permitted"),
        ("football_odds", {"main_matches_only": "sometimes"}, "main_matches_only: Input should be a valid"),
        ("generic", {"main_matches_only": True}, "The profile 'generic' takes no options"),
    ],
)
def test_bad_options_are_refused_with_the_reason(
    operator: TestClient, profile: str, options: Any, says: str
) -> None:
    response = _upload(operator, coupon(2).pdf, profile, options)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "INVALID_REQUEST" and says in error["message"], error


def test_a_profile_lists_the_options_it_takes(operator: TestClient) -> None:
    football = operator.get("/api/v1/profiles/football_odds").json()
    assert {"main_matches_only", "extract_football", "overround_min", "overround_max"} <= set(
        football["options"]["properties"]
    )
    assert operator.get("/api/v1/profiles/generic").json()["options"] is None
