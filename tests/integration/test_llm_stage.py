"""The LLM stage in the state machine: PlanOcr -> NeedsLlm -> LlmExtract -> Finalize, on the local stack,
against a fake OpenAI-compatible server (no model runs here; the HTTP client is real)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paperlane.local.runner import Run
from paperlane.local.stack import LocalStack
from tests import deedgen
from tests.fakellm import FakeModel, llm_backend

FEE_FROM_MODEL = 43_210.0


@pytest.fixture
def model(stack: LocalStack) -> Iterator[FakeModel]:
    """A model that reads a registration fee the rules could not, and invents a buyer with a wrong
    PAN, which must not replace the rules' validated parties."""
    answer = {
        "document_id": None,
        "property": {"registration_fee": FEE_FROM_MODEL},
        "buyers": [{"name": "Invented Person", "pan_card_number": "AAAAA0000A"}],
    }
    with FakeModel(answer) as fake, llm_backend(stack, fake.url):
        yield fake


def _deed_with_image_fees(nth: int) -> deedgen.Deed:
    """A generated deed whose fee table is an image (a job of its own: equal files are one job)."""
    found = (d for d in (deedgen.deed(seed) for seed in range(400)) if d.style.fees == "image")
    for _ in range(nth):
        next(found)
    return next(found)


def _process(run: Run, tmp_path: Path, deed: deedgen.Deed) -> tuple[Any, dict[str, Any]]:
    path = tmp_path / "deed.pdf"
    path.write_bytes(deed.pdf)
    job = run.submit(path, profile="sale_deed")
    [done] = run.wait([job.job_id], timeout=120)
    assert done.status.value == "completed", done.error
    return done, run.result(done) or {}


def test_the_llm_fills_what_the_rules_could_not_and_never_replaces_validated_values(
    run: Run, tmp_path: Path, model: FakeModel
) -> None:
    deed = _deed_with_image_fees(0)
    done, result = _process(run, tmp_path, deed)
    record = result["record"]
    assert model.requests, "the LLM stage never called the model"
    assert record["property"]["registration_fee"] == FEE_FROM_MODEL
    assert result["fields"]["property.registration_fee"]["source"] == "llm"
    assert "property.registration_fee" not in result["needs_vision"]
    # The rules' parties were validated (PAN, Aadhaar): the model's invented buyer is ignored.
    assert [b["name"] for b in record["buyers"]] == [b["name"] for b in deed.record["buyers"]]
    assert "AAAAA0000A" not in json.dumps(record)
    # Tokens and cost are recorded on the job.
    assert done.summary["llm_calls"] >= 1 and done.summary["llm_input_tokens"] >= 1200
    assert "llm_cost_usd" in done.summary


def test_without_a_backend_the_deed_is_rules_only(run: Run, tmp_path: Path) -> None:
    deed = _deed_with_image_fees(1)
    done, result = _process(run, tmp_path, deed)
    assert result["record"]["property"]["registration_fee"] is None
    assert "property.registration_fee" in result["needs_vision"]
    assert "llm_calls" not in done.summary
