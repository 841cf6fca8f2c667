"""The merge policy: the LLM never overrides a value that a validator proves correct."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from paperlane.llm import ExtractionTask, Extractor, assist, merge
from paperlane.llm.backends import ModelReply, ModelRequest
from paperlane.pages import Page

PAN = re.compile(r"^[A-Z]{5}\d{4}[A-Z]$")


def pan_validator(path: str, value: Any) -> bool | None:
    """Validates PAN fields; knows nothing about the others."""
    if path.endswith("pan"):
        return isinstance(value, str) and bool(PAN.match(value))
    return None


def test_a_validated_rules_value_wins_even_when_the_llm_disagrees() -> None:
    merged, meta = merge(
        {"pan": "ABCDE1234F"},
        {"pan": {"source": "rules", "confidence": 0.95, "validated": True}},
        {"pan": "ABCDE9999Z"},  # also a well-formed PAN: still not allowed to override
        validator=pan_validator,
    )
    assert merged == {"pan": "ABCDE1234F"}
    assert meta["pan"] == {"source": "rules", "confidence": 0.95, "validated": True, "conflict": True}


def test_an_empty_rules_field_is_filled_from_the_llm() -> None:
    merged, meta = merge(
        {"pan": None, "village": "", "buyers": []},
        {"pan": {"source": "rules", "confidence": 0.0, "validated": False}},
        {"pan": "ABCDE1234F", "village": "Hebbal", "buyers": ["A"], "survey_no": "12/3"},
        validator=pan_validator,
    )
    assert merged == {"pan": "ABCDE1234F", "village": "Hebbal", "buyers": ["A"], "survey_no": "12/3"}
    # Checked by the same validator where there is one; unchecked (validated false) where there is none.
    assert meta["pan"] == {"source": "llm", "confidence": 0.7, "validated": True}
    assert meta["village"] == {"source": "llm", "confidence": 0.7, "validated": False}
    assert meta["survey_no"]["source"] == "llm"


def test_an_llm_fill_the_validator_rejects_is_kept_but_flagged() -> None:
    merged, meta = merge({"pan": None}, {}, {"pan": "not a pan"}, validator=pan_validator)
    assert merged == {"pan": "not a pan"}
    assert meta["pan"] == {"source": "llm", "confidence": 0.35, "validated": False}


def test_the_llm_replaces_a_rules_value_that_failed_when_its_own_passes() -> None:
    merged, meta = merge(
        {"pan": "ABCDE12B4F"},  # an OCR misread the rules could not validate
        {"pan": {"source": "rules", "confidence": 0.6, "validated": False}},
        {"pan": "ABCDE1234F"},
        validator=pan_validator,
    )
    assert merged == {"pan": "ABCDE1234F"}
    assert meta["pan"] == {"source": "llm", "confidence": 0.7, "validated": True, "replaced": "rules"}


def test_otherwise_the_rules_value_stays() -> None:
    rules_meta = {
        "pan": {"source": "rules", "confidence": 0.6, "validated": False},
        "village": {"source": "rules", "confidence": 0.8, "validated": False},
    }
    merged, meta = merge(
        {"pan": "ABCDE12B4F", "village": "Hebbal", "ward": "4"},
        rules_meta,
        # The LLM's PAN fails too; nothing validates villages; the LLM found no ward.
        {"pan": "ABCDE12B4Z", "village": "Hebal", "ward": None},
        validator=pan_validator,
    )
    assert merged == {"pan": "ABCDE12B4F", "village": "Hebbal", "ward": "4"}
    assert meta["pan"]["source"] == "rules" and meta["pan"]["conflict"] is True
    assert meta["village"] == {**rules_meta["village"], "conflict": True}
    assert "ward" not in meta  # no meta came in for it, and nothing happened to it


def test_without_a_validator_the_llm_only_fills_gaps() -> None:
    merged, meta = merge(
        {"price": "100", "area": None},
        {"price": {"source": "rules", "confidence": 0.5, "validated": False}},
        {"price": "200", "area": "1200 sqft"},
    )
    assert merged == {"price": "100", "area": "1200 sqft"}
    assert meta["area"] == {"source": "llm", "confidence": 0.7, "validated": False}


def test_agreeing_values_raise_no_conflict() -> None:
    _, meta = merge(
        {"village": "Hebbal"},
        {"village": {"source": "rules", "confidence": 0.9, "validated": True}},
        {"village": "  HEBBAL "},
    )
    assert "conflict" not in meta["village"]


def test_nested_objects_merge_field_by_field_with_dotted_paths() -> None:
    merged, meta = merge(
        {"seller": {"name": "Asha Rao", "pan": "BADPAN"}, "fee": None},
        {
            "seller.name": {"source": "rules", "confidence": 0.9, "validated": True},
            "seller.pan": {"source": "rules", "confidence": 0.4, "validated": False},
        },
        {"seller": {"name": "Asha R.", "pan": "ABCDE1234F", "age": 42}, "fee": {"stamp": 5000}},
        validator=pan_validator,
    )
    assert merged == {
        "seller": {"name": "Asha Rao", "pan": "ABCDE1234F", "age": 42},
        "fee": {"stamp": 5000},
    }
    assert meta["seller.name"]["conflict"] is True
    assert meta["seller.pan"]["replaced"] == "rules"
    assert meta["seller.age"]["source"] == "llm"
    assert meta["fee.stamp"]["source"] == "llm"


def test_inputs_are_not_modified() -> None:
    rules: dict[str, Any] = {"a": None, "n": {"b": None}}
    rules_meta: dict[str, dict[str, Any]] = {"a": {"source": "rules", "confidence": 0, "validated": False}}
    llm: dict[str, Any] = {"a": 1, "n": {"b": 2}}
    merge(rules, rules_meta, llm)
    assert rules == {"a": None, "n": {"b": None}}
    assert rules_meta == {"a": {"source": "rules", "confidence": 0, "validated": False}}


# --- assist: rules first, the model only where needed ------------------------------------------------

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"pan": {"type": ["string", "null"]}, "village": {"type": ["string", "null"]}},
}
TASK = ExtractionTask(instructions="Extract the seller's PAN and the village.", json_schema=SCHEMA)
PAGES = [
    Page(
        page=1,
        width=595,
        height=842,
        text="Seller PAN ABCDE1234F, village Hebbal",
        source="text",
        needs_ocr=False,
    )
]


class Answer:
    name = "scripted"
    model_id = "amazon.nova-micro-v1:0"

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls = 0

    def complete(self, request: ModelRequest) -> ModelReply:
        self.calls += 1
        return ModelReply(self.answer, json.dumps(self.answer), None, 500, 50, "end_turn", 3.0)


def test_assist_asks_the_model_only_for_what_the_rules_could_not_prove() -> None:
    backend = Answer({"pan": "ABCDE1234F", "village": "Hebbal"})
    validated = {"source": "rules", "confidence": 1.0, "validated": True}

    complete = assist(
        TASK,
        PAGES,
        {"pan": "ABCDE1234F", "village": "Hebbal"},
        {"pan": validated, "village": validated},
        extractor=Extractor(backend),
    )
    assert complete.mode == "rules_complete" and backend.calls == 0 and complete.usage.calls == 0

    partial = assist(
        TASK,
        PAGES,
        {"pan": "ABCDE12B4F", "village": "Hebbal"},
        {"pan": {**validated, "validated": False}, "village": validated},
        validator=pan_validator,
        extractor=Extractor(backend),
    )
    assert partial.mode == "llm" and backend.calls == 1
    assert partial.record == {"pan": "ABCDE1234F", "village": "Hebbal"}
    assert partial.meta["pan"]["replaced"] == "rules"
    assert partial.usage.calls == 1 and partial.usage.input_tokens == 500


def test_assist_without_a_backend_keeps_the_rules_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_BACKEND", "none")
    assisted = assist(TASK, PAGES, {"pan": None, "village": "Hebbal"}, {})
    assert assisted.mode == "not_configured"
    assert assisted.record == {"pan": None, "village": "Hebbal"} and assisted.meta == {}
