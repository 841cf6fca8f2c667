"""Token accounting: what each model call used and what it cost, summed per job.

Prices are USD per million tokens, on-demand, us-east-1. The defaults are Amazon Bedrock's public list
prices as published in 2025 (RESEARCH.md gives no model prices); they were not re-checked since, so a
deployment that bills on them should set ``LLM_PRICES`` (which wins over every default). A model with no
price (an Ollama or vLLM model, an unknown Bedrock id) costs 0 and is counted in ``unpriced_calls``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paperlane.errors import LlmNotConfigured


class Price(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0, description="USD per million input tokens")
    output: float = Field(ge=0, description="USD per million output tokens")


# Keys are model-id prefixes without the cross-region prefix (``us.``, ``eu.``, ``global.``...);
# the longest matching prefix wins, so ``anthropic.claude-3-5-haiku`` never takes claude-3-haiku's price.
DEFAULT_PRICES: Mapping[str, Price] = {
    "anthropic.claude-3-haiku": Price(input=0.25, output=1.25),
    "anthropic.claude-3-5-haiku": Price(input=0.80, output=4.00),
    "anthropic.claude-haiku-4-5": Price(input=1.00, output=5.00),
    "anthropic.claude-3-5-sonnet": Price(input=3.00, output=15.00),
    "anthropic.claude-3-7-sonnet": Price(input=3.00, output=15.00),
    "anthropic.claude-sonnet-4": Price(input=3.00, output=15.00),
    "amazon.nova-micro": Price(input=0.035, output=0.14),
    "amazon.nova-lite": Price(input=0.06, output=0.24),
    "amazon.nova-pro": Price(input=0.80, output=3.20),
    "meta.llama3-1-8b-instruct": Price(input=0.22, output=0.22),
    "meta.llama3-1-70b-instruct": Price(input=0.72, output=0.72),
    "meta.llama3-2-1b-instruct": Price(input=0.10, output=0.10),
    "meta.llama3-2-3b-instruct": Price(input=0.15, output=0.15),
    "meta.llama3-2-11b-instruct": Price(input=0.16, output=0.16),
    "meta.llama3-2-90b-instruct": Price(input=0.72, output=0.72),
    "meta.llama3-3-70b-instruct": Price(input=0.72, output=0.72),
}

# Cross-region inference profiles prefix the model id with a geography (us.amazon.nova-lite-v1:0).
_GEO_PREFIX = re.compile(r"^(?:us|us-gov|eu|apac|ap|ca|jp|au|global)\.")
# A foundation-model or inference-profile ARN ends with /<model id>.
_ARN = re.compile(r"^arn:aws[\w-]*:bedrock:[^/]+/")


def bare_model_id(model_id: str) -> str:
    """The model id without an ARN or a cross-region prefix (us.amazon.nova-lite-v1:0 -> amazon.nova-...)."""
    return _GEO_PREFIX.sub("", _ARN.sub("", model_id.strip()))


class PriceTable:
    """Prices by model id: overrides first (exact id, then prefix), then the defaults (prefix)."""

    def __init__(
        self, overrides: Mapping[str, Price] | None = None, defaults: Mapping[str, Price] = DEFAULT_PRICES
    ) -> None:
        self._overrides = dict(overrides or {})
        self._defaults = dict(defaults)

    def price(self, model_id: str) -> Price | None:
        if model_id in self._overrides:
            return self._overrides[model_id]
        bare = bare_model_id(model_id)
        for table in (self._overrides, self._defaults):
            matches = [key for key in table if bare.startswith(bare_model_id(key))]
            if matches:
                return table[max(matches, key=len)]
        return None

    def cost(self, model_id: str, input_tokens: int, output_tokens: int) -> float | None:
        """USD for one call, or None when the model has no price."""
        price = self.price(model_id)
        if price is None:
            return None
        return (input_tokens * price.input + output_tokens * price.output) / 1_000_000


def parse_price_overrides(text: str) -> dict[str, Price]:
    """``LLM_PRICES``: ``{"<model id>": {"input": 0.25, "output": 1.25}}`` in USD per million tokens."""
    if not text.strip():
        return {}
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        return {str(k): Price.model_validate(v) for k, v in raw.items()}
    except (ValueError, TypeError, ValidationError) as exc:
        raise LlmNotConfigured(
            'LLM_PRICES must be JSON like {"model-id": {"input": 0.25, "output": 1.25}} '
            f"(USD per million tokens): {type(exc).__name__}",
            details={"setting": "LLM_PRICES"},
        ) from None


class Usage(BaseModel):
    """Tokens and estimated cost of one call, or summed over a job (``a + b``)."""

    model_config = ConfigDict(frozen=True)

    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cost_usd: float = 0.0
    # Calls whose model has no price: their cost is counted as 0.
    unpriced_calls: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            calls=self.calls + other.calls,
            cost_usd=self.cost_usd + other.cost_usd,
            unpriced_calls=self.unpriced_calls + other.unpriced_calls,
        )

    @classmethod
    def of_call(cls, prices: PriceTable, model_id: str, input_tokens: int, output_tokens: int) -> Usage:
        cost = prices.cost(model_id, input_tokens, output_tokens)
        return cls(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            calls=1,
            cost_usd=cost or 0.0,
            unpriced_calls=1 if cost is None else 0,
        )

    def summary(self) -> dict[str, int | float]:
        """The flat shape job summaries carry."""
        return {
            "llm_calls": self.calls,
            "llm_input_tokens": self.input_tokens,
            "llm_output_tokens": self.output_tokens,
            "llm_cost_usd": round(self.cost_usd, 6),
        }
