"""Rules first, the LLM for what the rules could not prove: the one call a rules profile makes.

``assist(task, pages, rules, rules_meta)`` skips the model entirely when every field of the task's schema
already holds a validated rules value, and when no backend is configured (``LLM_BACKEND=none``: a rules
profile still works, rules only). Otherwise it extracts with the model and merges under the policy of
``paperlane.llm.merge`` (the LLM never overrides a value a validator proves correct).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from paperlane.config import LlmSettings, load
from paperlane.llm.extractor import ExtractionResult, Extractor
from paperlane.llm.merge import FieldMeta, FieldValidator, is_empty, merge
from paperlane.llm.pricing import Usage
from paperlane.llm.schema import ExtractionTask
from paperlane.pages import Page


@dataclass
class Assisted:
    record: dict[str, Any]
    meta: dict[str, FieldMeta]
    # "rules_complete" (nothing left to ask), "not_configured" (LLM_BACKEND=none) or "llm".
    mode: str
    usage: Usage = field(default_factory=Usage)
    extraction: ExtractionResult | None = None


def fields_to_ask(
    task: ExtractionTask, rules: Mapping[str, Any], rules_meta: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Top-level fields of the task's schema that the rules left empty or could not validate."""
    properties: Mapping[str, Any] = task.json_schema.get("properties", {})
    return [
        name
        for name in properties
        if is_empty(rules.get(name)) or not rules_meta.get(name, {}).get("validated", False)
    ]


def assist(
    task: ExtractionTask,
    pages: Sequence[Page],
    rules: Mapping[str, Any],
    rules_meta: Mapping[str, Mapping[str, Any]],
    *,
    validator: FieldValidator | None = None,
    extractor: Extractor | Callable[[], Extractor] | None = None,
) -> Assisted:
    """The rules record completed by the LLM where needed (see the module docstring)."""
    if not fields_to_ask(task, rules, rules_meta):
        return Assisted(dict(rules), {k: dict(v) for k, v in rules_meta.items()}, "rules_complete")
    if extractor is None:
        settings = load(LlmSettings)
        if settings.llm_backend == "none":
            return Assisted(dict(rules), {k: dict(v) for k, v in rules_meta.items()}, "not_configured")
        from paperlane.llm.factory import build_extractor

        extractor = build_extractor(settings)
    elif not isinstance(extractor, Extractor):
        extractor = extractor()
    result = extractor.extract_pages(task, pages)
    record, meta = merge(rules, rules_meta, result.data, validator=validator)
    return Assisted(record, meta, "llm", result.usage, result)
