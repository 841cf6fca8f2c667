"""Building backends and extractors from ``LlmSettings``.

Heavy or networked pieces are created here, lazily and once: the Bedrock client per (region, timeout),
the breaker store per process. Tests and the local stack inject their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from paperlane.config import LlmSettings, environ
from paperlane.llm.backends import Backend, not_configured
from paperlane.llm.breaker import BreakerStore, CircuitBreaker, InMemoryBreakerStore
from paperlane.llm.extractor import Extractor, RetryPolicy
from paperlane.llm.pricing import PriceTable, parse_price_overrides

if TYPE_CHECKING:
    import httpx

_lock = threading.Lock()
# Breaker state shared by every extractor of this process (a warm Lambda keeps it between invocations).
PROCESS_BREAKERS = InMemoryBreakerStore()


@cache
def bedrock_client(region: str, timeout: float) -> Any:
    """A ``bedrock-runtime`` client with botocore's retries off: the extractor retries itself."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 1}, connect_timeout=10, read_timeout=int(timeout)
    )
    with _lock:  # boto3 is not thread-safe while it builds a client
        session = boto3.session.Session()
        return session.client("bedrock-runtime", region_name=region or None, config=config)


def build_backend(
    settings: LlmSettings,
    *,
    bedrock: Any = None,
    http_client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
) -> Backend:
    """The configured backend. ``LLM_BACKEND=none`` (or a missing setting) raises LLM_NOT_CONFIGURED."""
    if settings.llm_backend == "none":
        raise not_configured()
    if not settings.llm_model_id:
        raise not_configured("LLM_MODEL_ID")
    if settings.llm_backend == "bedrock":
        from paperlane.llm.backends.bedrock import BedrockBackend

        client = bedrock or bedrock_client(settings.llm_region, settings.llm_timeout_seconds)
        return BedrockBackend(client, settings.llm_model_id)
    if not settings.llm_base_url:
        raise not_configured("LLM_BASE_URL")
    api_key = None
    if settings.llm_api_key_env:
        api_key = (env if env is not None else environ()).get(settings.llm_api_key_env) or None
        if api_key is None:
            raise not_configured(f"its API key (the variable {settings.llm_api_key_env} is not set)")
    from paperlane.llm.backends.openai import OpenAICompatibleBackend

    return OpenAICompatibleBackend(
        settings.llm_base_url,
        settings.llm_model_id,
        api_key=api_key,
        client=http_client,
        timeout=settings.llm_timeout_seconds,
    )


def build_extractor(
    settings: LlmSettings,
    *,
    backend: Backend | None = None,
    breaker_store: BreakerStore | None = None,
    bedrock: Any = None,
    http_client: httpx.Client | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> Extractor:
    """An extractor for the configured backend, its breaker in ``breaker_store`` (default: this process)."""
    backend = backend or build_backend(settings, bedrock=bedrock, http_client=http_client, env=env)
    if breaker_store is None and settings.llm_breaker_table:
        from paperlane import aws
        from paperlane.llm.breaker import DynamoDbBreakerStore

        breaker_store = DynamoDbBreakerStore(
            aws.dynamodb(), settings.llm_breaker_table, key_attribute="job_id"
        )
    breaker = CircuitBreaker(
        backend.name,
        breaker_store if breaker_store is not None else PROCESS_BREAKERS,
        threshold=settings.llm_breaker_threshold,
        cooldown=settings.llm_breaker_cooldown_seconds,
        now=now,
    )
    return Extractor(
        backend,
        breaker=breaker,
        prices=PriceTable(parse_price_overrides(settings.llm_prices)),
        retry=RetryPolicy(
            max_attempts=settings.llm_max_attempts,
            max_retries=settings.llm_max_retries,
            backoff_base=settings.llm_backoff_base_seconds,
            backoff_max=settings.llm_backoff_max_seconds,
        ),
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        chunk_token_budget=settings.llm_chunk_token_budget,
        max_chunks=settings.llm_max_chunks,
        sleep=sleep,
    )
