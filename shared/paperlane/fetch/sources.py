"""A source: a web page (or a PDF) the downloader fetches on every scheduled run."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# Lowercase words joined by single hyphens: it names the source in keys (inbox/<profile>/web/<id>/...).
SOURCE_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_FILES_LIMIT = 100
DEFAULT_MAX_FILES = 20


class RunError(BaseModel):
    code: str = Field(description="FETCH_FAILED, FETCH_REFUSED, FETCH_NOT_PDF, TOO_LARGE, UNKNOWN_PROFILE...")
    message: str


class Source(BaseModel):
    source_id: str = Field(min_length=1, max_length=64, pattern=SOURCE_ID_PATTERN)
    url: str = Field(max_length=2048, description="The page (or PDF) fetched on every run")
    profile: str = Field(description="The profile the downloaded PDFs are processed with")
    enabled: bool = True
    max_files: int = Field(
        default=DEFAULT_MAX_FILES, ge=1, le=MAX_FILES_LIMIT, description="Most PDF links taken per run"
    )
    created_by: str
    created_at: str
    last_run_at: str | None = None
    last_status: Literal["ok", "error"] | None = None
    last_error: RunError | None = Field(
        default=None,
        description="Why the last run failed; on an ok run, the first of the links that could not be fetched",
    )
    last_files: int | None = Field(default=None, description="New PDFs the last run stored")
    last_skipped: int | None = Field(default=None, description="PDFs the last run found already processed")


class SourceRun(BaseModel):
    """What one run of one source did."""

    source_id: str
    url: str
    status: Literal["ok", "error"]
    files: int = Field(default=0, ge=0, description="New PDFs stored in the inbox")
    skipped: int = Field(default=0, ge=0, description="PDFs whose job already exists")
    failed: int = Field(default=0, ge=0, description="Linked PDFs that could not be fetched")
    error: RunError | None = None
    keys: list[str] = Field(default_factory=list, description="The inbox keys written")
