"""The sale_deed profile: Indian property sale deeds read by rules into the contract record.

Pages' text in, one record out (samples/README.md, "Sale deeds"): parties with PAN, Aadhaar and
contacts, the property from Schedules B and C, money and the registration details, plus validation
issues and the fields only a vision model can read (a fee table printed as an image).
"""

from __future__ import annotations

from typing import Any

from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult
from paperlane.profiles.sale_deed.extract import extract_deed
from paperlane.profiles.sale_deed.schema import Buyer, FieldMeta, Property, SaleDeed, Seller


class SaleDeedProfile:
    name = "sale_deed"
    description = "Indian property sale deeds: parties, property schedules, consideration and registration."
    # Word boxes place the deed's pictures relative to its text (is a picture the fee table?).
    needs_words = True

    def extract(self, pages: list[Page]) -> ProfileResult:
        result = extract_deed(pages)
        record = result.record.model_dump()
        validation = [issue.model_dump() for issue in result.issues]
        row: dict[str, Any] = {**record, "validation_errors": validation, "needs_vision": result.needs_vision}
        return ProfileResult(
            output={
                "record": record,
                "validation": validation,
                "validation_errors": validation,
                "needs_vision": result.needs_vision,
                "fields": {path: meta.model_dump() for path, meta in result.fields().items()},
            },
            records={"deed": [row]},
            summary={
                "buyers": len(record["buyers"]),
                "sellers": len(record["sellers"]),
                "validation_errors": sum(1 for i in result.issues if i.severity == "error"),
                "validation_warnings": sum(1 for i in result.issues if i.severity == "warning"),
                "needs_vision": len(result.needs_vision),
            },
        )


__all__ = ["Buyer", "FieldMeta", "Property", "SaleDeed", "SaleDeedProfile", "Seller"]
