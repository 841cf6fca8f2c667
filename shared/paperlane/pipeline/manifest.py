"""The manifest: how prepare split a document into page chunks. Stored in S3, read by every chunk task."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Chunk(BaseModel):
    index: int = Field(ge=0)
    first_page: int = Field(ge=1)
    last_page: int = Field(ge=1)


class Manifest(BaseModel):
    job_id: str
    profile: str
    options: dict[str, Any] = Field(default_factory=dict, description="The profile's options (the job's)")
    document_key: str = Field(description="The PDF the chunk tasks read: the original, or its decrypted copy")
    backend: Literal["pymupdf", "pdfminer"]
    page_count: int
    chunks: list[Chunk]


def plan_chunks(page_count: int, max_chunk_pages: int, parallelism: int) -> list[Chunk]:
    """Cut pages into even chunks: one per parallel worker, none over ``max_chunk_pages``."""
    size = max(1, min(max_chunk_pages, -(-page_count // max(1, parallelism))))
    return [
        Chunk(index=i, first_page=first, last_page=min(first + size - 1, page_count))
        for i, first in enumerate(range(1, page_count + 1, size))
    ]
