"""Profiles by configuration, the `none` backend, settings, errors, prices and the shared breaker state."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from pydantic import BaseModel, ValidationError

from paperlane import errors
from paperlane.config import LlmSettings, function_environment, load
from paperlane.llm import (
    CircuitBreaker,
    CustomProfileSpec,
    DynamoDbBreakerStore,
    Example,
    ExtractionTask,
    Extractor,
    LlmProfile,
    Price,
    PriceTable,
    Usage,
)
from paperlane.llm.backends import Message, ModelReply, ModelRequest, NoneBackend
from paperlane.llm.factory import build_extractor
from paperlane.pages import Page
from paperlane.profiles.base import Profile

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"invoice_no": {"type": ["string", "null"]}, "total": {"type": ["number", "null"]}},
    "required": ["invoice_no", "total"],
}
SPEC = CustomProfileSpec(
    name="invoice",
    description="Invoice number and total.",
    instructions="Extract the invoice number and the total amount due.",
    json_schema=SCHEMA,
)
PAGES = [
    Page(
        page=1, width=595, height=842, text="Invoice INV-7\nTotal due: 99.50", source="text", needs_ocr=False
    )
]


class OneAnswer:
    name = "scripted"
    model_id = "amazon.nova-micro-v1:0"

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[ModelRequest] = []

    def complete(self, request: ModelRequest) -> ModelReply:
        self.requests.append(request)
        return ModelReply(self.answer, json.dumps(self.answer), None, 1000, 100, "end_turn", 5.0)


# --- The none backend ---------------------------------------------------------------------------


def test_an_llm_profile_without_a_backend_says_so_with_a_stable_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLM_BACKEND", raising=False)
    profile = LlmProfile(SPEC)  # constructing it needs no configuration
    with pytest.raises(errors.LlmNotConfigured) as raised:
        profile.extract(PAGES)
    assert raised.value.code == "LLM_NOT_CONFIGURED"
    assert "LLM_BACKEND" in raised.value.message
    assert errors.code_for_error_name("LlmNotConfigured") == "LLM_NOT_CONFIGURED"


def test_the_none_backend_is_the_default_and_refuses_to_extract() -> None:
    with function_environment({"LLM_BACKEND": "none"}):
        settings = load(LlmSettings)
    assert settings.llm_backend == "none"
    with pytest.raises(errors.LlmNotConfigured):
        build_extractor(settings)
    request = ModelRequest("s", (Message("user", "t"),), SCHEMA, "x", 10, 0.0)
    with pytest.raises(errors.LlmNotConfigured):
        NoneBackend().complete(request)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"LLM_BACKEND": "bedrock"}, "LLM_MODEL_ID"),
        ({"LLM_BACKEND": "openai", "LLM_MODEL_ID": "llama3.1"}, "LLM_BASE_URL"),
    ],
)
def test_a_backend_missing_a_setting_names_it(env: dict[str, str], missing: str) -> None:
    with pytest.raises(errors.LlmNotConfigured, match=missing):
        build_extractor(LlmSettings.model_validate(env))


def test_settings_are_validated() -> None:
    with pytest.raises(ValidationError, match="LLM_BACKEND"):
        LlmSettings.model_validate({"LLM_BACKEND": "gpt"})
    with pytest.raises(ValidationError, match="LLM_BASE_URL"):
        LlmSettings.model_validate({"LLM_BASE_URL": "localhost:11434"})
    with pytest.raises(errors.LlmNotConfigured, match="LLM_PRICES"):
        build_extractor(
            LlmSettings.model_validate({"LLM_BACKEND": "bedrock", "LLM_MODEL_ID": "m", "LLM_PRICES": "[1]"}),
            bedrock=object(),
        )


# --- Profiles by configuration ----------------------------------------------------------------------


def test_an_llm_profile_extracts_one_record_with_usage_in_the_summary() -> None:
    backend = OneAnswer({"invoice_no": "INV-7", "total": 99.5})
    profile: Profile = LlmProfile(SPEC, Extractor(backend))
    result = profile.extract(PAGES)

    assert result.output == {"record": {"invoice_no": "INV-7", "total": 99.5}}
    assert result.records == {"record": [{"invoice_no": "INV-7", "total": 99.5}]}
    assert result.summary["chunks"] == 1
    assert result.summary["fields_filled"] == 2
    assert result.summary["llm_calls"] == 1
    assert result.summary["llm_input_tokens"] == 1000
    assert result.summary["llm_cost_usd"] == pytest.approx((1000 * 0.035 + 100 * 0.14) / 1e6)
    assert result.summary["llm_model"] == "amazon.nova-micro-v1:0"
    # The user's instructions and schema are what the model gets.
    assert "total amount due" in backend.requests[0].system
    assert backend.requests[0].schema == SCHEMA
    assert profile.name == "invoice" and profile.needs_words is False


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"name": "Invoice"}, "name"),
        ({"name": "a"}, "name"),
        ({"name": "../etc"}, "name"),
        ({"json_schema": {"type": "array", "items": {}}}, '"type" must be "object"'),
        ({"json_schema": {"type": "object"}}, "non-empty"),
        ({"json_schema": {"type": "object", "properties": {"a": {"type": "text"}}}}, "unknown type"),
        ({"json_schema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/X"}}}}, "unresolvable"),
        (
            {
                "json_schema": {
                    "type": "object",
                    "properties": {f"f{i}": {"type": "string", "description": "x" * 100} for i in range(700)},
                }
            },
            "bytes",
        ),
        ({"instructions": ""}, "instructions"),
        ({"instructions": "x" * 20_001}, "instructions"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_custom_profile_specs_are_validated(change: dict[str, Any], complaint: str) -> None:
    values = {**SPEC.model_dump(), **change}
    with pytest.raises(ValidationError, match=complaint):
        CustomProfileSpec.model_validate(values)


def test_a_spec_with_pydantic_style_refs_is_accepted_and_checked() -> None:
    schema = {
        "type": "object",
        "$defs": {
            "Party": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
        },
        "properties": {"parties": {"type": "array", "items": {"$ref": "#/$defs/Party"}}},
    }
    spec = CustomProfileSpec(name="parties", instructions="List the parties.", json_schema=schema)
    task = spec.task()
    assert task.check({"parties": [{"name": "A"}]}) == {"parties": [{"name": "A"}]}
    with pytest.raises(ValueError, match=r"\$\.parties\[0\]: 'name' is required"):
        task.check({"parties": [{}]})


# --- Errors, prices ---------------------------------------------------------------------------------


def test_model_unavailable_is_transient_so_the_state_machine_retries_it() -> None:
    assert issubclass(errors.ModelUnavailable, errors.TransientError)
    assert errors.code_for_error_name("ModelUnavailable") == "MODEL_UNAVAILABLE"
    assert errors.code_for_error_name("LlmRequestRejected") == "LLM_REQUEST_REJECTED"


def test_prices_match_the_longest_prefix_and_unknown_models_are_unpriced() -> None:
    table = PriceTable()
    assert table.price("anthropic.claude-3-haiku-20240307-v1:0") == table.price("anthropic.claude-3-haiku")
    haiku3, haiku35 = table.price("anthropic.claude-3-haiku-x"), table.price("anthropic.claude-3-5-haiku-x")
    assert haiku3 is not None and haiku35 is not None and haiku3.input == 0.25 and haiku35.input == 0.80
    assert table.price("eu.amazon.nova-pro-v1:0") == table.price("amazon.nova-pro-v1:0")
    arn = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-8b-instruct-v1:0"
    assert table.price(arn) == table.price("meta.llama3-1-8b-instruct-v1:0") is not None
    assert table.cost("llama3.1:8b", 1000, 1000) is None
    # Overrides: an exact id first, then the longest prefix, then the defaults.
    overrides = PriceTable(
        {"anthropic.": Price(input=1, output=1), "anthropic.claude-3-haiku": Price(input=2, output=2)}
    )
    assert overrides.price("us.anthropic.claude-3-haiku-20240307-v1:0") == Price(input=2, output=2)
    assert overrides.price("anthropic.claude-sonnet-4-v1:0") == Price(input=1, output=1)
    assert overrides.price("amazon.nova-micro-v1:0") == table.price("amazon.nova-micro-v1:0")
    usage = Usage.of_call(table, "llama3.1:8b", 10, 5) + Usage.of_call(table, "amazon.nova-micro-v1:0", 10, 5)
    assert (usage.calls, usage.unpriced_calls, usage.input_tokens) == (2, 1, 20)


# --- Breaker state shared through DynamoDB ----------------------------------------------------------


def test_breaker_state_in_dynamodb_is_shared_between_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="llm-state",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        now = [1000.0]
        # Two functions, each with its own breaker object and store, sharing one table.
        a = CircuitBreaker(
            "bedrock", DynamoDbBreakerStore(client, "llm-state"), threshold=3, cooldown=30, now=lambda: now[0]
        )
        b = CircuitBreaker(
            "bedrock", DynamoDbBreakerStore(client, "llm-state"), threshold=3, cooldown=30, now=lambda: now[0]
        )
        a.before_call()
        assert a.record_failure() is False
        assert b.record_failure() is False
        assert a.record_failure() is True
        with pytest.raises(errors.ModelUnavailable):
            b.before_call()

        item = client.get_item(TableName="llm-state", Key={"pk": {"S": "breaker#bedrock"}})["Item"]
        assert item["failures"] == {"N": "3"} and float(item["opened_until"]["N"]) == 1030.0

        now[0] = 1031.0
        b.before_call()  # half-open: calls go through again
        b.record_success()
        assert DynamoDbBreakerStore(client, "llm-state").get("bedrock").failures == 0


# --- Tasks: a pydantic model, a validator, examples --------------------------------------------------


class Invoice(BaseModel):
    invoice_no: str | None
    total: float | None


def test_a_task_checks_with_its_model_and_validator_and_shows_its_examples() -> None:
    def total_is_positive(record: dict[str, Any]) -> None:
        if record["total"] is not None and record["total"] <= 0:
            raise ValueError("$.total: must be positive")

    task = ExtractionTask(
        instructions="Extract the invoice.",
        json_schema=SCHEMA,
        model=Invoice,
        validator=total_is_positive,
        examples=[Example(text="Invoice A-1, total 10", output={"invoice_no": "A-1", "total": 10})],
    )
    backend = Sequence_([{"invoice_no": "INV-7", "total": -5}, {"invoice_no": "INV-7", "total": 99.5}])
    result = Extractor(backend).extract_text(task, "Invoice INV-7 total 99.50")

    assert result.data == {"invoice_no": "INV-7", "total": 99.5}
    assert "must be positive" in backend.requests[1].messages[-1].text
    assert "Invoice A-1, total 10" in backend.requests[0].system
    assert '{"invoice_no": "A-1", "total": 10}' in backend.requests[0].system


class Sequence_:
    name = "scripted"
    model_id = "m"

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.requests: list[ModelRequest] = []

    def complete(self, request: ModelRequest) -> ModelReply:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return ModelReply(answer, json.dumps(answer), None, 1, 1, "end_turn", 1.0)
