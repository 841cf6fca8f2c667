"""The LLM stage in the state machine: PlanOcr -> NeedsLlm -> LlmExtract -> Finalize, on the local stack,
against a fake OpenAI-compatible server (no model runs here; the HTTP client is real)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from paperlane import aws
from paperlane.local.runner import Run
from paperlane.local.stack import LocalStack
from tests import deedgen
from tests.fakellm import FakeModel, llm_backend

FEE_FROM_MODEL = 43_210.0
# A model that reads a registration fee the rules could not, and invents a buyer with a wrong PAN,
# which must not replace the rules' validated parties.
ANSWER = {
    "document_id": None,
    "property": {"registration_fee": FEE_FROM_MODEL},
    "buyers": [{"name": "Invented Person", "pan_card_number": "AAAAA0000A"}],
}
PIPELINE = "PipelineStateMachine"


@pytest.fixture
def model(stack: LocalStack) -> Iterator[FakeModel]:
    with FakeModel(ANSWER) as fake, llm_backend(stack, fake.url):
        yield fake


@contextmanager
def unavailable_retry_seconds(stack: LocalStack, seconds: int) -> Iterator[str]:
    """The pipeline redeployed with the template parameter LlmUnavailableRetrySeconds set to
    ``seconds`` for a block (its default, a minute, would make the test wait minutes). Yields the
    state machine's ARN."""
    sfn = aws.stepfunctions()
    name = stack.physical_name(PIPELINE)
    arn = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == name)
    parameters = stack.template.parameters
    saved = parameters["LlmUnavailableRetrySeconds"]
    parameters["LlmUnavailableRetrySeconds"] = str(seconds)
    try:
        sfn.update_state_machine(
            stateMachineArn=arn, definition=stack.template.render_state_machine(PIPELINE)
        )
        yield arn
    finally:
        parameters["LlmUnavailableRetrySeconds"] = saved
        sfn.update_state_machine(
            stateMachineArn=arn, definition=stack.template.render_state_machine(PIPELINE)
        )


def _llm_step_errors(machine_arn: str, job_id: str) -> list[str]:
    """The errors the LlmExtract step failed with, in order, from the execution's history."""
    sfn = aws.stepfunctions()
    execution = machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"
    errors, state = [], ""
    for event in sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]:
        if event["type"].endswith("StateEntered"):
            state = event["stateEnteredEventDetails"]["name"]
        elif event["type"] == "TaskFailed" and state == "LlmExtract":
            errors.append(event["taskFailedEventDetails"]["error"])
    return errors


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


def test_while_the_model_is_down_the_document_waits_and_then_completes(
    stack: LocalStack, run: Run, tmp_path: Path
) -> None:
    """Two failed calls open the breaker (threshold 2); the state machine retries the step on
    ModelUnavailable, refused by the open breaker without a call, until the cool-down has passed and
    the model, back up, answers. The job completes; it never fails."""
    deed = _deed_with_image_fees(2)
    breaker = {
        "LLM_BREAKER_THRESHOLD": "2",
        "LLM_BREAKER_COOLDOWN_SECONDS": "3",
        "LLM_MAX_RETRIES": "1",
        "LLM_BACKOFF_BASE_SECONDS": "0",
    }
    with (
        FakeModel(ANSWER, down_for=2) as fake,
        llm_backend(stack, fake.url, **breaker),
        unavailable_retry_seconds(stack, 1) as machine,
    ):
        done, result = _process(run, tmp_path, deed)
    assert result["record"]["property"]["registration_fee"] == FEE_FROM_MODEL
    assert fake.refused == 2 and len(fake.requests) == 3, "down twice, then one answer"
    errors = _llm_step_errors(machine, done.job_id)
    # The first try met the model down and opened the breaker; at least one more was refused by the
    # open breaker (no request reached the model) before the try that succeeded.
    assert len(errors) >= 2 and set(errors) == {"ModelUnavailable"}, errors
