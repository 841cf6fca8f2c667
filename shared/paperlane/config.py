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
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

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


class OcrSettings(StoreSettings):
    ocr_languages: str = Field(alias="OCR_LANGUAGES", default="eng", pattern=r"^[a-z_]{3,}(\+[a-z_]{3,})*$")
    ocr_dpi: int = Field(alias="OCR_DPI", default=300, ge=72, le=600)


class ApiSettings(PipelineSettings):
    # A multipart body travels base64-encoded in a synchronous Lambda payload (6 MB), so ~4 MiB of file.
    max_upload_bytes: int = Field(alias="MAX_UPLOAD_BYTES", default=4 * 1024 * 1024, gt=0)
    presigned_max_bytes: int = Field(alias="PRESIGNED_MAX_BYTES", default=200 * 1024 * 1024, gt=0)
    presigned_expiry_seconds: int = Field(
        alias="PRESIGNED_EXPIRY_SECONDS", default=900, gt=0, le=7 * 24 * 3600
    )
    # Where browsers reach S3. Empty on AWS (the regional endpoint); the local stack points it at itself.
    s3_public_endpoint: str = Field(alias="S3_PUBLIC_ENDPOINT", default="")


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
