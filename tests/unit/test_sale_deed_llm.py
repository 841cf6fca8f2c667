"""When the sale_deed profile asks the LLM, and what a validator proves (the merge policy's input)."""

from __future__ import annotations

import pymupdf
import pytest

from paperlane.llm.extractor import Extractor
from paperlane.pages import Page
from paperlane.pdf.text import extract_pages
from paperlane.profiles.sale_deed import SaleDeedProfile
from paperlane.profiles.sale_deed.llm import assist_deed, field_validator, rules_meta
from tests import deedgen


def _pages(pdf: bytes) -> list[Page]:
    return extract_pages(pdf, 1, pymupdf.open(stream=pdf, filetype="pdf").page_count)


def _never() -> Extractor:
    raise AssertionError("the model was asked although the rules proved every field")


def test_a_deed_the_rules_read_completely_never_reaches_the_model() -> None:
    deed = next(d for d in (deedgen.deed(s) for s in range(100)) if d.style.fees == "table")
    pages = _pages(deed.pdf)
    rules = SaleDeedProfile().extract(pages)
    meta = rules_meta(rules)
    assert meta["property"]["validated"] and meta["buyers"]["validated"]
    helped = assist_deed(pages, rules, extractor=_never)
    assert helped.summary["llm_mode"] == "rules_complete"
    assert helped.output["record"] == rules.output["record"]


def test_an_image_fee_table_leaves_the_property_unproven_so_the_model_is_asked() -> None:
    deed = next(d for d in (deedgen.deed(s) for s in range(400)) if d.style.fees == "image")
    rules = SaleDeedProfile().extract(_pages(deed.pdf))
    meta = rules_meta(rules)
    assert "property" not in meta, "an incomplete property must merge field by field"
    assert meta["property.registration_fee"]["validated"] is False
    assert meta["property.sale_consideration"]["validated"] is True


@pytest.mark.parametrize(
    ("path", "value", "verdict"),
    [
        ("property.registration_fee", 12500.0, True),
        ("property.registration_fee", -5, False),
        ("property.pincode", "560007", True),
        ("property.pincode", "56007", False),
        ("transaction_date", "2025-03-14", True),
        ("transaction_date", "14/03/2025", False),
        ("buyers", [{"name": "A", "aadhaar_number": "288428797116", "pan_card_number": "BQXPG0379P"}], True),
        ("buyers", [{"name": "A", "aadhaar_number": "288428797117"}], False),
        ("buyers", [], False),
        ("registration_office", "Sub-Registrar Office, Jayanagar", None),
    ],
)
def test_field_validator_proves_refutes_or_abstains(path: str, value: object, verdict: bool | None) -> None:
    assert field_validator(path, value) is verdict
