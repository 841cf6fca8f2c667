"""From pages to the deed record, its validation and per-field provenance."""

from __future__ import annotations

from typing import Any

from paperlane.pages import Page
from paperlane.profiles.sale_deed.money import words_mismatches
from paperlane.profiles.sale_deed.parties import extract_parties, party_section
from paperlane.profiles.sale_deed.property import extract_property
from paperlane.profiles.sale_deed.registration import (
    document_id,
    fees,
    registration_office,
    transaction_date,
)
from paperlane.profiles.sale_deed.schema import FieldMeta, SaleDeed
from paperlane.profiles.sale_deed.text import assemble
from paperlane.profiles.sale_deed.validators import Issue, validate
from paperlane.profiles.sale_deed.vision import fee_table_pictured

# Found by the rules and passing its checks / failing one.
_CONFIDENT, _DOUBTFUL = 0.9, 0.5
# Read from the registration fee table (the e-stamp box may give the duty too).
_FEE_FIELDS = {"registration_fee": "registration fee", "stamp_duty_fee": "stamp duty"}
# A fee the deed does not state (paperlane.profiles.sale_deed.vision): listed, not sent to vision.
FEE_NOT_FOUND = "FEE_NOT_FOUND"


class Extraction:
    def __init__(
        self, record: SaleDeed, issues: list[Issue], needs_vision: list[str], ocr_factor: float
    ) -> None:
        self.record = record
        self.issues = issues
        self.needs_vision = needs_vision
        self.ocr_factor = ocr_factor

    def fields(self) -> dict[str, FieldMeta]:
        flagged = {i.field for i in self.issues}
        source = "ocr" if self.ocr_factor < 1.0 else "rules"
        out: dict[str, FieldMeta] = {}
        for path, value in _leaves(self.record.model_dump()):
            if value is None:
                confidence = 0.0
            else:
                confidence = (_DOUBTFUL if path in flagged else _CONFIDENT) * self.ocr_factor
            out[path] = FieldMeta(source=source, confidence=round(confidence, 2))
        return out


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def extract_deed(pages: list[Page]) -> Extraction:
    deed_text = assemble(pages)
    body = deed_text.body
    buyers, sellers = extract_parties(body)
    prop = extract_property(body)
    prop.stamp_duty_fee, prop.registration_fee = fees(body)
    executed = transaction_date(body, party_section(body)[1])
    record = SaleDeed(
        document_id=document_id(body, deed_text.margins),
        transaction_date=executed.isoformat() if executed else None,
        registration_office=registration_office(body),
        property=prop,
        buyers=buyers,
        sellers=sellers,
    )
    issues = validate(record.model_dump())
    for figure, words in words_mismatches(body):
        message = f"An amount in figures ({figure:,.0f}) and its words ({words:,}) disagree."
        issues.append(
            Issue(field="amounts", code="AMOUNT_WORDS_MISMATCH", message=message, severity="warning")
        )
    # The fee table is often an embedded image, which only a vision model can read; a fee missing
    # without such a picture is not in the deed.
    missing = [name for name in _FEE_FIELDS if getattr(prop, name) is None]
    pictured = bool(missing) and fee_table_pictured(pages)
    needs_vision = [f"property.{name}" for name in missing] if pictured else []
    if not pictured:
        for name in missing:
            message = (
                f"The deed states no {_FEE_FIELDS[name]}: not in its text, and no fee table as a picture."
            )
            issues.append(
                Issue(field=f"property.{name}", code=FEE_NOT_FOUND, message=message, severity="warning")
            )
    ocr_factor = (deed_text.ocr_confidence or 100.0) / 100.0 if deed_text.ocr else 1.0
    return Extraction(record, issues, needs_vision, ocr_factor)
