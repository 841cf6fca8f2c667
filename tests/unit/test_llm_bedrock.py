"""The Bedrock backend on a real bedrock-runtime client, its Converse calls answered by botocore's Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from paperlane.config import LlmSettings
from paperlane.errors import LlmRequestRejected, ModelUnavailable, TransientError
from paperlane.llm import ExtractionTask, Extractor, InMemoryBreakerStore, RetryPolicy
from paperlane.llm.backends.bedrock import BedrockBackend
from paperlane.llm.factory import build_extractor
from paperlane.pages import Page

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "amount": {"type": ["number", "null"]}},
    "required": ["title", "amount"],
}
TASK = ExtractionTask(
    instructions="Extract the invoice title and its amount.", json_schema=SCHEMA, name="invoice"
)
GOOD = {"title": "Invoice 42", "amount": 1250.5}


@pytest.fixture(autouse=True)
def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


@pytest.fixture
def client() -> Iterator[Any]:
    yield boto3.client("bedrock-runtime", region_name="us-east-1")


def settings(**overrides: Any) -> LlmSettings:
    values = {
        "LLM_BACKEND": "bedrock",
        "LLM_MODEL_ID": HAIKU,
        "LLM_MAX_RETRIES": "3",
        "LLM_BACKOFF_BASE_SECONDS": "0.5",
        **overrides,
    }
    return LlmSettings.model_validate(values)


def tool_answer(value: Any, *, input_tokens: int = 1000, output_tokens: int = 200) -> dict[str, Any]:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "tooluse_1", "name": "invoice", "input": value}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 321},
    }


def capture_calls(client: Any) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(params)

    client.meta.events.register("provide-client-params.bedrock-runtime.Converse", record)
    return calls


def test_a_tool_use_answer_is_the_extracted_record(client: Any) -> None:
    calls = capture_calls(client)
    extractor = build_extractor(settings(), bedrock=client, breaker_store=InMemoryBreakerStore())
    with Stubber(client) as stub:
        stub.add_response("converse", tool_answer(GOOD))
        result = extractor.extract_text(TASK, "INVOICE 42 ... total due 1,250.50")
        stub.assert_no_pending_responses()

    assert result.data == GOOD
    # Structured output: one tool whose input schema is the task's schema, and the model must call it.
    (params,) = calls
    tool_config = params["toolConfig"]
    assert tool_config["tools"][0]["toolSpec"]["inputSchema"] == {"json": SCHEMA}
    assert tool_config["toolChoice"] == {"tool": {"name": "invoice"}}
    assert params["modelId"] == HAIKU
    assert params["inferenceConfig"]["temperature"] == 0.0
    assert "total due 1,250.50" in params["messages"][0]["content"][0]["text"]
    assert "Extract the invoice title" in params["system"][0]["text"]
    # Claude 3 Haiku: $0.25 in, $1.25 out per million tokens.
    assert result.usage.input_tokens == 1000 and result.usage.output_tokens == 200
    assert result.usage.calls == 1
    assert result.usage.cost_usd == pytest.approx((1000 * 0.25 + 200 * 1.25) / 1e6)


@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        ({"title": "Invoice 42"}, "'amount' is required"),
        (["Invoice 42", 1250.5], "must be a JSON object"),
        ({"title": 42, "amount": 1.0}, "$.title: expected string"),
    ],
)
def test_malformed_tool_input_is_rejected_and_the_error_fed_back(
    client: Any, bad: Any, complaint: str
) -> None:
    calls = capture_calls(client)
    extractor = build_extractor(settings(), bedrock=client, breaker_store=InMemoryBreakerStore())
    with Stubber(client) as stub:
        stub.add_response("converse", tool_answer(bad, input_tokens=900, output_tokens=50))
        stub.add_response("converse", tool_answer(GOOD, input_tokens=1100, output_tokens=60))
        result = extractor.extract_text(TASK, "INVOICE 42")
        stub.assert_no_pending_responses()

    assert result.data == GOOD
    assert result.rejected_answers == 1
    retry = calls[1]["messages"]
    assert [m["role"] for m in retry] == ["user", "assistant", "user"]
    assert retry[0] == calls[0]["messages"][0]
    assert complaint in retry[2]["content"][0]["text"]
    # Both calls are paid for, and counted.
    assert (result.usage.calls, result.usage.input_tokens, result.usage.output_tokens) == (2, 2000, 110)
    assert [c.accepted for c in result.calls] == [False, True]


def test_answers_that_stay_invalid_fail_the_extraction_after_max_attempts(client: Any) -> None:
    from paperlane.errors import ExtractionFailed

    extractor = build_extractor(
        settings(LLM_MAX_ATTEMPTS="2"), bedrock=client, breaker_store=InMemoryBreakerStore()
    )
    with Stubber(client) as stub:
        stub.add_response("converse", tool_answer({"title": "x"}))
        stub.add_response("converse", tool_answer({"amount": 3}))
        with pytest.raises(ExtractionFailed) as raised:
            extractor.extract_text(TASK, "INVOICE")
        stub.assert_no_pending_responses()
    assert raised.value.code == "EXTRACTION_FAILED"
    assert raised.value.details["attempts"] == 2


def test_throttling_is_retried_after_a_backoff(client: Any) -> None:
    sleeps: list[float] = []
    extractor = build_extractor(
        settings(), bedrock=client, breaker_store=InMemoryBreakerStore(), sleep=sleeps.append
    )
    with Stubber(client) as stub:
        stub.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
        stub.add_response("converse", tool_answer(GOOD))
        result = extractor.extract_text(TASK, "INVOICE 42")
        stub.assert_no_pending_responses()

    assert result.data == GOOD
    assert len(sleeps) == 1
    assert 0.0 <= sleeps[0] <= 0.5  # full jitter under the first step's ceiling (LLM_BACKOFF_BASE_SECONDS)
    assert result.usage.calls == 1  # a throttled request produced no tokens


def test_backoff_doubles_up_to_its_cap_and_then_the_model_is_unavailable(client: Any) -> None:
    sleeps: list[float] = []
    backend = BedrockBackend(client, HAIKU)
    extractor = Extractor(
        backend,
        retry=RetryPolicy(max_retries=4, backoff_base=1.0, backoff_max=5.0),
        sleep=sleeps.append,
        rand=lambda: 1.0,  # the top of each jitter range
    )
    with Stubber(client) as stub:
        for code in ("ThrottlingException", "ServiceUnavailableException", "ModelNotReadyException"):
            stub.add_client_error("converse", service_error_code=code, http_status_code=429)
        stub.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
        stub.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
        with pytest.raises(ModelUnavailable) as raised:
            extractor.extract_text(TASK, "INVOICE 42")
        stub.assert_no_pending_responses()

    assert sleeps == [1.0, 2.0, 4.0, 5.0]
    assert isinstance(raised.value, TransientError)
    assert raised.value.code == "MODEL_UNAVAILABLE"


def test_access_denied_is_rejected_at_once_without_retrying(client: Any) -> None:
    sleeps: list[float] = []
    extractor = build_extractor(
        settings(), bedrock=client, breaker_store=InMemoryBreakerStore(), sleep=sleeps.append
    )
    with Stubber(client) as stub:
        stub.add_client_error("converse", service_error_code="AccessDeniedException", http_status_code=403)
        with pytest.raises(LlmRequestRejected) as raised:
            extractor.extract_text(TASK, "INVOICE 42")
    assert sleeps == []
    assert raised.value.code == "LLM_REQUEST_REJECTED"
    assert raised.value.details["backend_code"] == "AccessDeniedException"


def test_usage_is_summed_over_chunks_and_priced_for_cross_region_ids(client: Any) -> None:
    model = "us.amazon.nova-lite-v1:0"
    extractor = build_extractor(
        settings(LLM_MODEL_ID=model, LLM_CHUNK_TOKEN_BUDGET="200"),
        bedrock=client,
        breaker_store=InMemoryBreakerStore(),
    )
    pages = [
        Page(
            page=n,
            width=595,
            height=842,
            text=f"Page {n}. " + "lorem ipsum " * 50,
            source="text",
            needs_ocr=False,
        )
        for n in (1, 2, 3)
    ]
    with Stubber(client) as stub:
        for tokens in (300, 400, 500):
            stub.add_response("converse", tool_answer(GOOD, input_tokens=tokens, output_tokens=tokens // 10))
        result = extractor.extract_pages(TASK, pages)
        stub.assert_no_pending_responses()

    assert result.chunks == 3
    assert result.usage.calls == 3
    assert (result.usage.input_tokens, result.usage.output_tokens) == (1200, 120)
    # Nova Lite: $0.06 in, $0.24 out per million tokens; the "us." inference-profile prefix is ignored.
    assert result.usage.cost_usd == pytest.approx((1200 * 0.06 + 120 * 0.24) / 1e6)
    assert result.usage.unpriced_calls == 0
    assert result.usage.summary()["llm_input_tokens"] == 1200


def test_price_overrides_win_over_the_defaults(client: Any) -> None:
    extractor = build_extractor(
        settings(LLM_PRICES='{"anthropic.claude-3-haiku": {"input": 10, "output": 20}}'),
        bedrock=client,
        breaker_store=InMemoryBreakerStore(),
    )
    with Stubber(client) as stub:
        stub.add_response("converse", tool_answer(GOOD, input_tokens=1_000_000, output_tokens=1_000_000))
        result = extractor.extract_text(TASK, "INVOICE 42")
    assert result.usage.cost_usd == pytest.approx(30.0)


def test_models_that_cannot_be_forced_get_the_tool_offered_and_text_json_is_read(client: Any) -> None:
    calls = capture_calls(client)
    extractor = build_extractor(
        settings(LLM_MODEL_ID="meta.llama3-1-70b-instruct-v1:0"),
        bedrock=client,
        breaker_store=InMemoryBreakerStore(),
    )
    text_answer = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"text": '```json\n{"title": "T", "amount": null}\n```'}],
            }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 10},
    }
    with Stubber(client) as stub:
        stub.add_response("converse", text_answer)
        result = extractor.extract_text(TASK, "T")
    assert result.data == {"title": "T", "amount": None}
    assert "toolChoice" not in calls[0]["toolConfig"]
