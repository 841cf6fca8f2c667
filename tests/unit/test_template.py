"""template.yaml and the state machine agree with the code: the local stack builds everything from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paperlane.local.template import Template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> Template:
    return Template(ROOT / "template.yaml", "us-east-1")


def _functions(template: Template) -> dict[str, dict[str, Any]]:
    return template.of_type("AWS::Serverless::Function")


def test_every_function_has_its_handler_and_a_sample_event(template: Template) -> None:
    for logical_id, spec in _functions(template).items():
        local = spec.get("Metadata", {}).get("PaperlaneLocal", {})
        code = ROOT / (spec["Properties"].get("CodeUri") or local["CodeUri"])
        module, _, attr = (spec["Properties"].get("Handler") or local["Handler"]).rpartition(".")
        source = (code / f"{module}.py").read_text()
        assert f"def {attr}(" in source or f"\n{attr} = " in source, logical_id
        assert (ROOT / "events" / f"{code.name}.json").is_file(), f"events/{code.name}.json for {logical_id}"


def test_handlers_stay_thin(template: Template) -> None:
    for spec in _functions(template).values():
        local = spec.get("Metadata", {}).get("PaperlaneLocal", {})
        code = ROOT / (spec["Properties"].get("CodeUri") or local["CodeUri"]) / "app.py"
        lines = [ln for ln in code.read_text().splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= 40, f"{code} has {len(lines)} lines: move logic into shared/paperlane"


def test_functions_get_table_and_bucket_names_from_the_template(template: Template) -> None:
    for logical_id in _functions(template):
        env = template.function_environment(logical_id)
        assert env["JOBS_TABLE"] == template.physical_name("JobsTable")
        assert env["DOCUMENTS_BUCKET"] == template.physical_name("DocumentsBucket")


def test_state_machine_renders_without_placeholders_and_every_task_retries(template: Template) -> None:
    rendered = template.render_state_machine("PipelineStateMachine")
    assert "${" not in rendered
    definition = json.loads(rendered)

    def tasks(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for name, state in states.items():
            if state["Type"] == "Task":
                found.append((name, state))
            for nested in ("ItemProcessor", "Iterator"):
                if nested in state:
                    found.extend(tasks(state[nested]["States"]))
            for branch in state.get("Branches", []):
                found.extend(tasks(branch["States"]))
        return found

    all_tasks = tasks(definition["States"])
    assert {n for n, _ in all_tasks} >= {
        "Prepare",
        "ExtractChunk",
        "PlanOcr",
        "OcrPage",
        "Finalize",
        "RecordFailure",
    }
    for name, state in all_tasks:
        assert state.get("Retry"), f"{name} has no Retry"
        assert all(r.get("BackoffRate", 1) > 1 for r in state["Retry"]), name
    for name in ("ExtractText", "OcrPages"):  # nothing accumulates in the state
        assert definition["States"][name]["ResultPath"] is None


def test_every_substitution_is_used_and_defined(template: Template) -> None:
    props = template.resources["PipelineStateMachine"]["Properties"]
    text = (ROOT / props["DefinitionUri"]).read_text()
    for name in props["DefinitionSubstitutions"]:
        assert "${" + name + "}" in text, f"{name} is never used"


def test_a_model_that_is_down_is_waited_for_in_minutes_and_hours_in_production(template: Template) -> None:
    # Tests deploy LlmUnavailableRetrySeconds=1 (tests/integration/test_llm_stage.py); a deployment
    # keeps the default, which must outlast the breaker's cool-down and a real outage.
    from paperlane.config import LlmSettings

    definition = json.loads(template.render_state_machine("PipelineStateMachine"))
    [waiting] = [
        r for r in definition["States"]["LlmExtract"]["Retry"] if "ModelUnavailable" in r["ErrorEquals"]
    ]
    cooldown = LlmSettings.model_fields["llm_breaker_cooldown_seconds"].default
    assert waiting["IntervalSeconds"] >= cooldown >= 30
    delays, delay = [], float(waiting["IntervalSeconds"])
    for _ in range(waiting["MaxAttempts"]):
        delays.append(min(delay, waiting.get("MaxDelaySeconds", delay)))
        delay *= waiting["BackoffRate"]
    assert sum(delays) >= 3 * 3600, "a document should wait out an outage of hours before it fails"


def test_request_paths_never_scan() -> None:
    offenders = [
        p
        for p in (ROOT / "shared" / "paperlane").rglob("*.py")
        if ".scan(" in p.read_text() or '"Scan"' in p.read_text()
    ]
    assert offenders == []


def test_image_functions_build_from_a_dockerfile_and_run_locally_from_source(template: Template) -> None:
    for logical_id, spec in _functions(template).items():
        if spec["Properties"].get("PackageType") != "Image":
            continue
        meta = spec["Metadata"]
        dockerfile = (ROOT / meta["DockerContext"] / meta["Dockerfile"]).read_text()
        # Either Lambda's own base image or another one with its runtime interface client.
        assert "public.ecr.aws/lambda/python" in dockerfile or "awslambdaric" in dockerfile, logical_id
        assert f'CMD ["{meta["PaperlaneLocal"]["Handler"]}"]' in dockerfile, "same handler on AWS and locally"
        app = ROOT / meta["PaperlaneLocal"]["CodeUri"] / "app.py"
        assert f"COPY {app.relative_to(ROOT).as_posix()}" in dockerfile, (
            "the image runs the same handler file"
        )


def test_the_ocr_image_carries_tesseract_and_its_languages() -> None:
    dockerfile = (ROOT / "functions" / "ocr" / "Dockerfile").read_text()
    for package in ("tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-osd", "tesseract-ocr-kan"):
        assert package in dockerfile
