"""LLM backends: Bedrock (Converse + tool use), OpenAI-compatible HTTP, or none (rules only)."""

from __future__ import annotations

from paperlane.errors import LlmNotConfigured
from paperlane.llm.backends.base import (
    Backend,
    BackendError,
    BackendRejected,
    BackendThrottled,
    BackendUnavailable,
    Message,
    ModelReply,
    ModelRequest,
)


class NoneBackend:
    """``LLM_BACKEND=none``: rules only. Any attempt to call a model says so with LLM_NOT_CONFIGURED."""

    name = "none"
    model_id = ""

    def complete(self, request: ModelRequest) -> ModelReply:
        raise not_configured()


def not_configured(missing: str | None = None) -> LlmNotConfigured:
    if missing:
        return LlmNotConfigured(f"The LLM backend is missing {missing}.", details={"setting": missing})
    return LlmNotConfigured(
        "No LLM backend is configured (LLM_BACKEND=none, the local default: only rules-based profiles "
        "run). Set LLM_BACKEND=bedrock with LLM_MODEL_ID, or LLM_BACKEND=openai with LLM_BASE_URL and "
        "LLM_MODEL_ID (e.g. an Ollama or vLLM server).",
        details={"setting": "LLM_BACKEND"},
    )


__all__ = [
    "Backend",
    "BackendError",
    "BackendRejected",
    "BackendThrottled",
    "BackendUnavailable",
    "Message",
    "ModelReply",
    "ModelRequest",
    "NoneBackend",
    "not_configured",
]
