"""Profiles by configuration: a JSON schema plus instructions, extracted by the configured LLM.

``CustomProfileSpec`` is what a user registers; ``LlmProfile`` runs it as a Profile (pages in, one
record out). Registering specs (API, storage) is not this module's business.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from paperlane.config import LlmSettings, load
from paperlane.llm.extractor import Extractor
from paperlane.llm.schema import ExtractionTask, schema_problems
from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult

MAX_SCHEMA_BYTES = 64 * 1024
MAX_INSTRUCTIONS_CHARS = 20_000


class CustomProfileSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # A slug: it appears in URLs, drop-folder paths and record keys.
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{1,47}$")
    description: str = Field(default="", max_length=500)
    instructions: str = Field(min_length=1, max_length=MAX_INSTRUCTIONS_CHARS)
    json_schema: dict[str, Any]
    # For long documents: list path -> the item fields that identify an item (see ExtractionTask).
    list_keys: dict[str, list[str]] = Field(default_factory=dict, max_length=50)

    @field_validator("json_schema")
    @classmethod
    def _schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(schema, ensure_ascii=False).encode())
        if size > MAX_SCHEMA_BYTES:
            raise ValueError(f"the schema is {size} bytes; at most {MAX_SCHEMA_BYTES} are allowed")
        problems = schema_problems(schema)
        if problems:
            raise ValueError("; ".join(problems))
        return schema

    def task(self) -> ExtractionTask:
        return ExtractionTask(
            instructions=self.instructions,
            json_schema=self.json_schema,
            name=self.name.replace("-", "_")[:64],
            list_keys={k: tuple(v) for k, v in self.list_keys.items()},
        )


def _configured_extractor() -> Extractor:
    return _extractor_for(load(LlmSettings))


@cache
def _extractor_for(settings: LlmSettings) -> Extractor:
    # One extractor (and HTTP connection pool) per distinct configuration, for the process's life.
    from paperlane.llm.factory import build_extractor

    return build_extractor(settings)


class LlmProfile:
    """A Profile that extracts one record per document with the configured LLM backend.

    Output: ``{"record": {...}}``; records: ``{"record": [{...}]}``; the summary carries the chunk count
    and the LLM usage (calls, tokens, estimated cost). With ``LLM_BACKEND=none`` ``extract`` raises
    ``LlmNotConfigured`` (code ``LLM_NOT_CONFIGURED``).
    """

    needs_words = False

    def __init__(
        self, spec: CustomProfileSpec, extractor: Extractor | Callable[[], Extractor] | None = None
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.description = spec.description or f"Fields of {spec.name}, extracted by an LLM."
        self._task = spec.task()
        self._extractor = extractor

    def _get_extractor(self) -> Extractor:
        # Built on first use, never at import or registration: settings are read when a handler runs.
        if isinstance(self._extractor, Extractor):
            return self._extractor
        return (self._extractor or _configured_extractor)()

    def extract(self, pages: list[Page]) -> ProfileResult:
        extractor = self._get_extractor()
        result = extractor.extract_pages(self._task, pages)
        record = result.data
        summary: dict[str, int | float | str] = {
            "pages": len(pages),
            "chunks": result.chunks,
            "fields_filled": sum(1 for v in record.values() if v not in (None, "", [], {})),
            "llm_model": extractor.model_id,
            "llm_rejected_answers": result.rejected_answers,
            **result.usage.summary(),
        }
        if result.problems:
            summary["llm_problems"] = len(result.problems)
        return ProfileResult(output={"record": record}, records={"record": [record]}, summary=summary)
