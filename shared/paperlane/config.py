"""Configuration: pydantic models read from the function's environment when first needed.

Why not os.environ directly: the local stack runs every Lambda handler in one process, several at once
under a Map state, each with its own environment from template.yaml. ``function_environment`` sets a
per-thread (context-local) overlay, so handlers read their own variables without mutating os.environ.
Nothing here is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

_overlay: ContextVar[Mapping[str, str] | None] = ContextVar("paperlane_environment", default=None)


def environ() -> Mapping[str, str]:
    """The current function's environment: the local stack's overlay, else the process environment."""
    overlay = _overlay.get()
    return overlay if overlay is not None else os.environ


@contextmanager
def function_environment(env: Mapping[str, str]) -> Iterator[None]:
    """Run a block as if the process environment were ``os.environ`` updated with ``env``."""
    token = _overlay.set({**os.environ, **env})
    try:
        yield
    finally:
        _overlay.reset(token)


class _EnvModel(BaseModel):
    # Fields are named like their variables in template.yaml (DOCUMENTS_BUCKET -> documents_bucket).
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class StoreSettings(_EnvModel):
    """Names of the stores. Required: a missing table name is a deployment error, never a default."""

    documents_bucket: str = Field(alias="DOCUMENTS_BUCKET", min_length=3)
    jobs_table: str = Field(alias="JOBS_TABLE", min_length=3)
    records_table: str = Field(alias="RECORDS_TABLE", min_length=3)


class LimitSettings(_EnvModel):
    max_file_bytes: int = Field(alias="MAX_FILE_BYTES", default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(alias="MAX_PAGES", default=2000, gt=0)
    # At most this many pages per Map iteration: bounds one Lambda's work, and keeps a 2,000-page
    # document (100 iterations) far below Step Functions' 25,000-event history limit.
    chunk_pages: int = Field(alias="CHUNK_PAGES", default=20, gt=0, le=200)
    # How many chunks the Map runs at once: smaller documents are cut into this many chunks, so they
    # use all the parallelism there is and no more per-chunk overhead than needed.
    text_max_concurrency: int = Field(alias="TEXT_MAX_CONCURRENCY", default=10, gt=0, le=1000)


class PipelineSettings(StoreSettings, LimitSettings):
    state_machine_arn: str = Field(alias="STATE_MACHINE_ARN", default="")
    default_profile: str = Field(alias="DEFAULT_PROFILE", default="generic")


class FetchSettings(PipelineSettings):
    """The scheduled downloader (paperlane.fetch): sources in the records table, PDFs into inbox/."""

    # Sources and the links they hold may name this machine (http://127.0.0.1/...) only on the local
    # stack, which sets this; everywhere else the SSRF guard of paperlane.notify.webhooks applies.
    fetch_allow_loopback: bool = Field(alias="FETCH_ALLOW_LOOPBACK", default=False)
    # Per request (connect, read, write, pool); each file is also capped at MAX_FILE_BYTES.
    fetch_timeout_seconds: float = Field(alias="FETCH_TIMEOUT_SECONDS", default=30.0, gt=0, le=300)


class OcrSettings(StoreSettings):
    ocr_languages: str = Field(alias="OCR_LANGUAGES", default="eng", pattern=r"^[a-z_]{3,}(\+[a-z_]{3,})*$")
    ocr_dpi: int = Field(alias="OCR_DPI", default=300, ge=72, le=600)
    # auto: Tesseract when its binary is on PATH, else RapidOCR (models inside its wheel).
    ocr_engine: str = Field(alias="OCR_ENGINE", default="auto", pattern="^(auto|tesseract|rapidocr)$")


class AuthSettings(_EnvModel):
    """Users, API keys, tokens and rate limits. Secrets never live here: only where to find them."""

    auth_table: str = Field(alias="AUTH_TABLE", min_length=3)
    # On AWS the signing keys are a Secrets Manager secret (created by the template). Locally they are a
    # generated file outside the repository; the file wins when both are set.
    jwt_secret_arn: str = Field(alias="JWT_SECRET_ARN", default="")
    jwt_keys_file: str = Field(alias="JWT_KEYS_FILE", default="")
    jwt_issuer: str = Field(alias="JWT_ISSUER", default="paperlane")
    jwt_audience: str = Field(alias="JWT_AUDIENCE", default="paperlane-api")
    access_token_ttl_seconds: int = Field(alias="ACCESS_TOKEN_TTL_SECONDS", default=24 * 3600, ge=60)
    refresh_token_ttl_seconds: int = Field(alias="REFRESH_TOKEN_TTL_SECONDS", default=14 * 24 * 3600, ge=60)
    jwt_leeway_seconds: int = Field(alias="JWT_LEEWAY_SECONDS", default=60, ge=0, le=600)
    # After a rotation, tokens signed with a retired key stay valid this long (at least one token lifetime).
    jwt_key_grace_seconds: int = Field(alias="JWT_KEY_GRACE_SECONDS", default=48 * 3600, ge=0)
    login_max_failures: int = Field(alias="LOGIN_MAX_FAILURES", default=5, ge=1)
    login_lockout_seconds: int = Field(alias="LOGIN_LOCKOUT_SECONDS", default=900, ge=1)
    # The Lambda authorizer reuses a verified credential's principal this long (per container): a
    # revoked key or deactivated user keeps access on AWS for at most this many seconds.
    authorizer_cache_seconds: int = Field(alias="AUTHORIZER_CACHE_SECONDS", default=60, ge=0, le=3600)
    # Requests per minute. `memory` counts in the process (the local stack); `dynamodb` in
    # RATE_LIMIT_TABLE (AWS: Lambda containers share no memory; the template sets it); `off` counts nothing.
    rate_limit_backend: str = Field(
        alias="RATE_LIMIT_BACKEND", default="memory", pattern="^(memory|dynamodb|off)$"
    )
    rate_limit_table: str = Field(alias="RATE_LIMIT_TABLE", default="")
    rate_limit_anonymous: int = Field(alias="RATE_LIMIT_ANONYMOUS", default=100, ge=1)
    rate_limit_authenticated: int = Field(alias="RATE_LIMIT_AUTHENTICATED", default=1000, ge=1)
    rate_limit_admin: int = Field(alias="RATE_LIMIT_ADMIN", default=10_000, ge=1)

    @model_validator(mode="after")
    def _rate_limit_table_named(self) -> Self:
        if self.rate_limit_backend == "dynamodb" and len(self.rate_limit_table) < 3:
            raise ValueError("RATE_LIMIT_BACKEND=dynamodb needs RATE_LIMIT_TABLE (the template sets both).")
        return self


class ApiSettings(PipelineSettings, AuthSettings):
    # A multipart body travels base64-encoded in a synchronous Lambda payload (6 MB), so ~4 MiB of file.
    max_upload_bytes: int = Field(alias="MAX_UPLOAD_BYTES", default=4 * 1024 * 1024, gt=0)
    presigned_max_bytes: int = Field(alias="PRESIGNED_MAX_BYTES", default=200 * 1024 * 1024, gt=0)
    presigned_expiry_seconds: int = Field(
        alias="PRESIGNED_EXPIRY_SECONDS", default=900, gt=0, le=7 * 24 * 3600
    )
    # Where browsers reach S3. Empty on AWS (the regional endpoint); the local stack points it at itself.
    s3_public_endpoint: str = Field(alias="S3_PUBLIC_ENDPOINT", default="")
    # Webhooks may target loopback only on the local stack (SSRF: see paperlane.notify.webhooks).
    webhook_allow_loopback: bool = Field(alias="WEBHOOK_ALLOW_LOOPBACK", default=False)
    # Where POST /api/v1/webhooks/deliveries/{delivery_id}/redeliver queues a delivery again.
    webhook_queue_url: str = Field(alias="WEBHOOK_QUEUE_URL", default="")
    # Scheduled download sources may point at this machine only on the local stack (paperlane.fetch).
    fetch_allow_loopback: bool = Field(alias="FETCH_ALLOW_LOOPBACK", default=False)
    # The downloader function that POST /api/v1/sources/{source_id}/fetch starts (from the template).
    fetch_function_name: str = Field(alias="FETCH_FUNCTION_NAME", default="")


S = TypeVar("S", bound=_EnvModel)


def load(model: type[S]) -> S:
    """Validate ``model`` from the current function's environment (cached per distinct environment)."""
    env = environ()
    names = tuple(sorted(f.alias or n for n, f in model.model_fields.items()))
    settings: S = _load_cached(model, tuple((k, env[k]) for k in names if k in env))
    return settings


@lru_cache(maxsize=64)
def _load_cached(model: type[S], items: tuple[tuple[str, str], ...]) -> S:
    settings: S = model.model_validate(dict(items))
    return settings


class LlmSettings(_EnvModel):
    """The LLM extraction backend (paperlane.llm). ``none`` (rules only) is the default: no model runs
    locally. Which backend settings are required is checked when a backend is built, with the stable
    code LLM_NOT_CONFIGURED, so a rules-only deployment never needs them."""

    llm_backend: str = Field(alias="LLM_BACKEND", default="none", pattern="^(none|bedrock|openai)$")
    # Bedrock model or inference-profile id, or the model name an OpenAI-compatible server knows.
    llm_model_id: str = Field(alias="LLM_MODEL_ID", default="")
    # OpenAI-compatible servers (Ollama, vLLM): the URL that ends before /chat/completions.
    llm_base_url: str = Field(alias="LLM_BASE_URL", default="", pattern=r"^(https?://\S+)?$")
    # The NAME of the variable holding the API key (never the key itself); empty: no key is sent.
    llm_api_key_env: str = Field(alias="LLM_API_KEY_ENV", default="", pattern=r"^([A-Za-z_][A-Za-z0-9_]*)?$")
    # Bedrock's region; empty: the function's own region.
    llm_region: str = Field(alias="LLM_REGION", default="")
    llm_max_tokens: int = Field(alias="LLM_MAX_TOKENS", default=4096, ge=16, le=65_536)
    llm_temperature: float = Field(alias="LLM_TEMPERATURE", default=0.0, ge=0.0, le=2.0)
    llm_timeout_seconds: float = Field(alias="LLM_TIMEOUT_SECONDS", default=120.0, gt=0, le=900)
    # Document text per model call, in estimated tokens; longer documents are cut into chunks.
    llm_chunk_token_budget: int = Field(alias="LLM_CHUNK_TOKEN_BUDGET", default=8000, ge=200, le=500_000)
    # A cost guard: a document needing more chunks than this fails with TOO_LARGE before any call.
    llm_max_chunks: int = Field(alias="LLM_MAX_CHUNKS", default=64, ge=1, le=10_000)
    # Answers tried per chunk when the model's output is not valid JSON for the schema.
    llm_max_attempts: int = Field(alias="LLM_MAX_ATTEMPTS", default=3, ge=1, le=10)
    # Retries of one call on throttling or a 5xx, with exponential backoff and full jitter.
    llm_max_retries: int = Field(alias="LLM_MAX_RETRIES", default=4, ge=0, le=20)
    llm_backoff_base_seconds: float = Field(alias="LLM_BACKOFF_BASE_SECONDS", default=1.0, ge=0, le=60)
    llm_backoff_max_seconds: float = Field(alias="LLM_BACKOFF_MAX_SECONDS", default=30.0, ge=0, le=900)
    # Consecutive backend failures that open the circuit breaker, and how long it then stays open.
    llm_breaker_threshold: int = Field(alias="LLM_BREAKER_THRESHOLD", default=5, ge=1, le=1000)
    llm_breaker_cooldown_seconds: float = Field(alias="LLM_BREAKER_COOLDOWN_SECONDS", default=60.0, ge=0)
    # JSON: {"<model id>": {"input": USD per million tokens, "output": USD per million tokens}, ...}.
    llm_prices: str = Field(alias="LLM_PRICES", default="")
    # A DynamoDB table (string hash key `job_id`) shared by every LLM function, so the breaker opens
    # for all of them at once; empty: each process keeps its own. The template points it at the jobs table.
    llm_breaker_table: str = Field(alias="LLM_BREAKER_TABLE", default="")


class ExportSettings(ApiSettings):
    """The export API. An export above either limit is written to S3 and served by a presigned URL:
    a Lambda response is at most 6 MB, and binary bodies travel base64-encoded (+33%)."""

    export_inline_max_rows: int = Field(alias="EXPORT_INLINE_MAX_ROWS", default=20_000, gt=0)
    # Estimated from the values (about the CSV size; XLSX compresses well below it).
    export_inline_max_bytes: int = Field(alias="EXPORT_INLINE_MAX_BYTES", default=4 * 1024 * 1024, gt=0)
    export_url_expiry_seconds: int = Field(
        alias="EXPORT_URL_EXPIRY_SECONDS", default=900, gt=0, le=7 * 24 * 3600
    )
    # Most rows a GET export writes: API Gateway waits 29 s, and the writer makes ~2,600 rows/s on one
    # core. Larger ones answer EXPORT_TOO_LARGE and go through POST /api/v1/exports.
    export_sync_max_rows: int = Field(alias="EXPORT_SYNC_MAX_ROWS", default=30_000, gt=0)
    # The function that runs asynchronous exports (POST /api/v1/exports invokes it), from the template.
    export_worker_function_name: str = Field(alias="EXPORT_WORKER_FUNCTION_NAME", default="")


class NotifySettings(_EnvModel):
    """Live progress (WebSocket) and webhooks: the notify, deliver and websocket functions.

    ``CONNECTIONS_TABLE`` and ``WEBHOOK_QUEUE_URL`` are checked where they are used (paperlane.notify),
    since each function needs only some of them.
    """

    jobs_table: str = Field(alias="JOBS_TABLE", min_length=3)
    auth_table: str = Field(alias="AUTH_TABLE", min_length=3)
    connections_table: str = Field(alias="CONNECTIONS_TABLE", default="")
    # The API Gateway Management API endpoint (https://<api>.execute-api.<region>.amazonaws.com/<stage>),
    # or `local`: the local stack's in-process /ws sockets (paperlane.notify.sender.LOCAL).
    websocket_endpoint: str = Field(alias="WEBSOCKET_ENDPOINT", default="")
    webhook_queue_url: str = Field(alias="WEBHOOK_QUEUE_URL", default="")
    # Where deliveries go once retries are spent or the receiver refuses them for good (4xx).
    webhook_dlq_url: str = Field(alias="WEBHOOK_DLQ_URL", default="")
    webhook_timeout_seconds: float = Field(alias="WEBHOOK_TIMEOUT_SECONDS", default=10.0, gt=0, le=60)
    webhook_max_retries: int = Field(alias="WEBHOOK_MAX_RETRIES", default=5, ge=0, le=20)
    # Retry n waits base * 2^(n-1) seconds (capped at SQS's 900 s DelaySeconds): 30 s, 1, 2, 4, 8 min.
    webhook_backoff_base_seconds: int = Field(alias="WEBHOOK_BACKOFF_BASE_SECONDS", default=30, ge=0, le=900)
    # A warm notify function reads the webhook list at most this often (the local stack reads it every
    # time, so a webhook registered a moment ago hears the next event).
    webhook_cache_seconds: float = Field(alias="WEBHOOK_CACHE_SECONDS", default=30.0, ge=0, le=3600)
    # Loopback webhook targets (http://127.0.0.1/...) exist only on the local stack, which sets this.
    webhook_allow_loopback: bool = Field(alias="WEBHOOK_ALLOW_LOOPBACK", default=False)
    # Progress over WebSockets, per job: a message goes out when the stage changed, when progress rose by
    # PROGRESS_MIN_STEP_PERCENT since the last one sent, or when PROGRESS_MIN_INTERVAL_SECONDS passed
    # since it (and progress moved). A 1,000-page document then sends tens of messages, not hundreds.
    progress_min_interval_seconds: float = Field(alias="PROGRESS_MIN_INTERVAL_SECONDS", default=5.0, ge=0)
    progress_min_step_percent: int = Field(alias="PROGRESS_MIN_STEP_PERCENT", default=10, ge=1, le=100)
    # API Gateway closes a WebSocket after 2 hours; its items expire a little later (DynamoDB TTL).
    connection_ttl_seconds: int = Field(alias="CONNECTION_TTL_SECONDS", default=3 * 3600, ge=60)
