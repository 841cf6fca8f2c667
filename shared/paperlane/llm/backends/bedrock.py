"""Amazon Bedrock through the Converse API, structured output through tool use.

The task's JSON schema becomes the input schema of a single tool, and ``toolChoice`` forces the model to
call it (Anthropic Claude 3+ and Amazon Nova support forcing a tool; for other models the tool is offered
and the prompt asks for it). The tool's input is the answer. A model that answers in text instead is
read as JSON text.

The client is any boto3 ``bedrock-runtime`` client (typed ``Any``: boto3-stubs are not needed). Create it
with botocore retries off (``max_attempts=1``): the extractor retries with its own backoff and counts
failures for the circuit breaker, and retries in both places would multiply.
"""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from paperlane.llm.backends.base import (
    TRUNCATED,
    BackendRejected,
    BackendThrottled,
    BackendUnavailable,
    ModelReply,
    ModelRequest,
    parse_json_answer,
)
from paperlane.llm.pricing import bare_model_id

_THROTTLED = {
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailableException",
    "ServiceUnavailable",
}
_UNAVAILABLE = {
    "ModelNotReadyException",
    "InternalServerException",
    "ModelTimeoutException",
    "ModelErrorException",
    "ServiceQuotaExceededException",
}
# Model families whose Converse tool use accepts toolChoice {"tool": ...}.
_FORCED_TOOL = ("anthropic.", "amazon.nova")


class BedrockBackend:
    name = "bedrock"

    def __init__(self, client: Any, model_id: str) -> None:
        self._client = client
        self.model_id = model_id
        self._force_tool = bare_model_id(model_id).startswith(_FORCED_TOOL)

    def request_params(self, request: ModelRequest) -> dict[str, Any]:
        """The Converse parameters for ``request`` (public so tests can stub the exact call)."""
        tool_config: dict[str, Any] = {
            "tools": [
                {
                    "toolSpec": {
                        "name": request.schema_name,
                        "description": "Record the data extracted from the document.",
                        "inputSchema": {"json": dict(request.schema)},
                    }
                }
            ]
        }
        if self._force_tool:
            tool_config["toolChoice"] = {"tool": {"name": request.schema_name}}
        return {
            "modelId": self.model_id,
            "system": [
                {"text": f"{request.system}\n\nAnswer by calling the tool {request.schema_name} once."}
            ],
            "messages": [{"role": m.role, "content": [{"text": m.text}]} for m in request.messages],
            "inferenceConfig": {"maxTokens": request.max_tokens, "temperature": request.temperature},
            "toolConfig": tool_config,
        }

    def complete(self, request: ModelRequest) -> ModelReply:
        started = time.perf_counter()
        try:
            response = self._client.converse(**self.request_params(request))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "Unknown"))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            if code in _THROTTLED or status == 429:
                raise BackendThrottled(code) from None
            if code in _UNAVAILABLE or status >= 500:
                raise BackendUnavailable(code) from None
            raise BackendRejected(code) from None
        except (BotoConnectionError, HTTPClientError) as exc:
            raise BackendUnavailable(type(exc).__name__) from None
        latency_ms = float(
            response.get("metrics", {}).get("latencyMs") or (time.perf_counter() - started) * 1000
        )
        usage = response.get("usage", {})
        stop_reason = str(response.get("stopReason", ""))
        output, raw, parse_error = self._answer(response, request.schema_name)
        if stop_reason == "max_tokens":
            output, parse_error = None, TRUNCATED
        return ModelReply(
            output=output,
            raw=raw,
            parse_error=parse_error,
            input_tokens=int(usage.get("inputTokens", 0)),
            output_tokens=int(usage.get("outputTokens", 0)),
            stop_reason=stop_reason,
            latency_ms=latency_ms,
        )

    @staticmethod
    def _answer(response: dict[str, Any], tool_name: str) -> tuple[Any, str, str | None]:
        content = response.get("output", {}).get("message", {}).get("content", [])
        texts: list[str] = []
        for block in content:
            tool_use = block.get("toolUse")
            if tool_use is not None and tool_use.get("name") == tool_name:
                value = tool_use.get("input")
                return value, json.dumps(value, ensure_ascii=False), None
            if "text" in block:
                texts.append(str(block["text"]))
        raw = "\n".join(texts)
        value, error = parse_json_answer(raw)
        return value, raw, error
