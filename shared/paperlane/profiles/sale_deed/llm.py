"""The LLM's part in reading a sale deed: its prompt, its schema, and what counts as proven.

The rules run first. The model is asked only when a top-level field is empty or failed validation,
and under the merge policy (paperlane.llm.merge) it never replaces a value a validator proved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from paperlane.llm import ExtractionTask, assist
from paperlane.llm.extractor import Extractor
from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult
from paperlane.profiles.sale_deed import validators
from paperlane.profiles.sale_deed.extract import FEE_NOT_FOUND
from paperlane.profiles.sale_deed.schema import SaleDeed

INSTRUCTIONS = """You read registered Indian property sale deeds and return one JSON record.

- document_id: the registration number of THIS deed (page header or registration endorsement), not the
  number of an earlier deed cited in the recitals. Value only, without its label.
- transaction_date: the date the deed is made and executed, ISO YYYY-MM-DD.
- registration_office: the Sub-Registrar office named in the registration endorsement, as printed.
- property: schedule_b_area (undivided share of land, square feet), schedule_c_property_name (the
  building or project), schedule_c_property_address (after "situated at", without flat number,
  building name, state or PIN code), schedule_c_property_area (square feet), paid_in_cash_mode
  ("Yes" if any part was paid in cash, else "No"), pincode and state of the property, and the money
  fields as plain numbers in rupees: sale_consideration, stamp_duty_fee, registration_fee (from the
  registration fee table), guidance_value (government guidance / market value).
- sellers (Vendor, Transferor...) and buyers (Purchaser, Vendee, Transferee...): name without
  honorifics, gender "Male" or "Female", aadhaar_number (12 digits, no spaces), pan_card_number
  (10 characters), address without state and PIN, pincode, state, phone_number (10 digits, no +91),
  secondary_phone_number and email or null; sellers also property_share in percent.
Convert areas to square feet (1 sq.m = 10.7639 sq.ft, 1 gunta = 1089 sq.ft, 1 acre = 43560 sq.ft).
Use null for anything the text does not state. Never invent identity numbers."""

_AMOUNTS = ("sale_consideration", "stamp_duty_fee", "registration_fee", "guidance_value")
_AREAS = ("schedule_b_area", "schedule_c_property_area")
_TOP = ("document_id", "transaction_date", "registration_office", "property", "buyers", "sellers")


def task() -> ExtractionTask:
    return ExtractionTask(
        name="sale_deed",
        instructions=INSTRUCTIONS,
        json_schema=SaleDeed.model_json_schema(),
        model=SaleDeed,
        list_keys={"buyers": ["name"], "sellers": ["name"]},
    )


def field_validator(path: str, value: Any) -> bool | None:
    """True when a check proves the value, False when one refutes it, None when there is no check."""
    if value is None:
        return None
    leaf = path.rsplit(".", 1)[-1]
    if path.startswith("property.") and leaf in (*_AMOUNTS, *_AREAS):
        return isinstance(value, int | float) and value > 0
    if path == "property.pincode":
        return isinstance(value, str) and re.fullmatch(r"[1-9]\d{5}", value) is not None
    if path == "transaction_date":
        return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
    if path in ("buyers", "sellers"):
        if not isinstance(value, list) or not value:
            return False
        record: dict[str, Any] = {"property": {}, "buyers": [], "sellers": [], path: value}
        return not any(
            i.severity == "error" and i.field.startswith(path) for i in validators.validate(record)
        )
    return None


def rules_meta(result: ProfileResult) -> dict[str, dict[str, Any]]:
    """Per-path meta for the merge: a rules value counts as validated when a check proves it, or when
    it is present, has no check, and no validation error points at it."""
    record: dict[str, Any] = result.output["record"]
    errors = {i["field"] for i in result.output.get("validation_errors", []) if i.get("severity") == "error"}
    meta: dict[str, dict[str, Any]] = {}

    def note(path: str, value: Any) -> None:
        proven = field_validator(path, value)
        present = value not in (None, "", [], {})
        ok = proven if proven is not None else present and path not in errors
        meta[path] = {"source": "rules", "confidence": 0.9 if ok else 0.0, "validated": bool(ok)}

    for name in _TOP:
        value = record.get(name)
        if name == "property":
            for key, leaf in (value or {}).items():
                note(f"property.{key}", leaf)
            # A fully proven property is one validated value; otherwise no entry, so the merge goes
            # field by field (paperlane.llm.merge treats a path with meta as a single value).
            if all(m["validated"] for p, m in meta.items() if p.startswith("property.")):
                meta["property"] = {"source": "rules", "confidence": 0.9, "validated": True}
        else:
            note(name, value)
    return meta


def assist_deed(
    pages: list[Page], rules: ProfileResult, *, extractor: Extractor | Callable[[], Extractor] | None = None
) -> ProfileResult:
    """The rules result completed by the configured LLM (or unchanged when none is configured)."""
    helped = assist(
        task(),
        pages,
        rules.output["record"],
        rules_meta(rules),
        validator=field_validator,
        extractor=extractor,
    )
    if helped.mode != "llm":
        return rules.model_copy(update={"summary": {**rules.summary, "llm_mode": helped.mode}})
    record = SaleDeed.model_validate(helped.record).model_dump()
    # A fee the deed does not state stays listed unless the model found it after all.
    unstated = [
        i
        for i in rules.output.get("validation_errors", [])
        if i.get("code") == FEE_NOT_FOUND and record["property"].get(i["field"].split(".")[-1]) is None
    ]
    issues = [i.model_dump() for i in validators.validate(record)] + unstated
    filled = {p for p, m in helped.meta.items() if m.get("source") == "llm"}
    needs_vision = [p for p in rules.output.get("needs_vision", []) if p not in filled]
    fields = dict(rules.output.get("fields", {}))
    for path in filled:
        fields[path] = {"source": "llm", "confidence": helped.meta[path].get("confidence", 0.7)}
    output = {
        **rules.output,
        "record": record,
        "validation": issues,
        "validation_errors": issues,
        "needs_vision": needs_vision,
        "fields": fields,
    }
    row = {**record, "validation_errors": issues, "needs_vision": needs_vision}
    summary = {
        **rules.summary,
        **helped.usage.summary(),
        "llm_mode": "llm",
        "llm_fields_filled": len(filled),
        "validation_errors": sum(1 for i in issues if i["severity"] == "error"),
        "needs_vision": len(needs_vision),
    }
    return ProfileResult(output=output, records={"deed": [row]}, summary=summary)
