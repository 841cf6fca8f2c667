"""LLM extraction: backends, structured output, retries, a circuit breaker, chunking, usage and merging.

A pure library: no handler, no storage of its own. Profiles own their prompts and schemas and hand them
over as an ``ExtractionTask``; this package runs them on the configured backend.

Backends (``LLM_BACKEND``):

- ``none`` (default; no model runs locally): rules only. Building an extractor, or running an
  ``LlmProfile``, raises ``LlmNotConfigured`` (``LLM_NOT_CONFIGURED``).
- ``bedrock``: the Converse API; the schema is the input schema of one tool that ``toolChoice`` forces.
- ``openai``: any OpenAI-compatible ``/chat/completions`` (Ollama, vLLM), ``response_format`` json_schema
  with a fallback to json_object; an optional API key read from the variable ``LLM_API_KEY_ENV`` names.

Failures: throttling and 5xx are retried with exponential backoff and full jitter, then raise
``ModelUnavailable`` (``MODEL_UNAVAILABLE``, a TransientError: the state machine retries the step); the
circuit breaker raises it at once while open. Invalid answers are asked again with the error fed back,
then raise ``ExtractionFailed``. Requests the backend refuses raise ``LlmRequestRejected``.

Merge policy (``merge``): the LLM never overrides a value that a validator proves correct.

1. A rules value that passed validation always wins.
2. An empty rules field (missing, null, "", [], {}) is filled from the LLM, with ``source: "llm"``,
   ``confidence: 0.7`` and ``validated`` set by the same validator when one is given (an LLM value the
   validator rejects is still filled in, with ``validated: false`` and confidence 0.35).
3. When both have a value, the rules value failed validation and the LLM value passes it, the LLM wins
   (its meta says ``"replaced": "rules"``).
4. Otherwise the rules value stays.

Whenever the kept value differs from the LLM's, the field's meta says ``"conflict": true``, for review.
Nested objects merge field by field (dotted paths); lists are single values.

Long documents are cut into chunks within ``LLM_CHUNK_TOKEN_BUDGET`` (on page boundaries, then
paragraphs); chunk results merge in document order: later chunks fill fields still empty, lists are
joined without duplicates (``ExtractionTask.list_keys`` names the key fields of list items).

Entry points: ``assist(task, pages, rules, rules_meta, validator=...)`` for a rules profile (the model is
asked only for fields the rules could not prove, and not at all with ``LLM_BACKEND=none``);
``LlmProfile(CustomProfileSpec(...))`` for a profile defined by configuration; ``build_extractor(settings)``
(``paperlane.llm.factory``) and ``Extractor.extract_pages(task, pages)`` underneath both.
"""

from __future__ import annotations

from paperlane.llm.assist import Assisted, assist
from paperlane.llm.breaker import (
    BreakerState,
    BreakerStore,
    CircuitBreaker,
    DynamoDbBreakerStore,
    InMemoryBreakerStore,
)
from paperlane.llm.chunking import Chunk, chunk_pages, estimate_tokens
from paperlane.llm.extractor import CallRecord, ExtractionResult, Extractor, RetryPolicy
from paperlane.llm.merge import FieldValidator, is_empty, merge, merge_chunk_results
from paperlane.llm.pricing import DEFAULT_PRICES, Price, PriceTable, Usage
from paperlane.llm.profile import CustomProfileSpec, LlmProfile
from paperlane.llm.schema import Example, ExtractionTask, OutputRejected

__all__ = [
    "DEFAULT_PRICES",
    "Assisted",
    "BreakerState",
    "BreakerStore",
    "CallRecord",
    "Chunk",
    "CircuitBreaker",
    "CustomProfileSpec",
    "DynamoDbBreakerStore",
    "Example",
    "ExtractionResult",
    "ExtractionTask",
    "Extractor",
    "FieldValidator",
    "InMemoryBreakerStore",
    "LlmProfile",
    "OutputRejected",
    "Price",
    "PriceTable",
    "RetryPolicy",
    "Usage",
    "assist",
    "chunk_pages",
    "estimate_tokens",
    "is_empty",
    "merge",
    "merge_chunk_results",
]
