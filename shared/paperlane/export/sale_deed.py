"""The sale_deed workbook: sheet Sale_Deeds, one row per party (sellers first, then buyers).

Deed-level columns repeat on each of its parties' rows, so every row stands alone when filtered.
SL_NO numbers the deed (1, 2, ... in export order): all parties of one deed share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paperlane.export import cells
from paperlane.export.layout import Column, Document, SheetRow, SheetSpec

SALE_DEEDS = SheetSpec(
    name="Sale_Deeds",
    columns=(
        Column("SL_NO", "integer"),
        Column("USER_TYPE"),
        Column("Document_ID"),
        Column("Schedule_B_Area_sqft", "number"),
        Column("Schedule_C_Area_sqft", "number"),
        Column("Schedule_C_Address_Name", max_width=60),
        Column("Property_Pincode"),
        Column("Property_State"),
        Column("Sale_Consideration", "number"),
        Column("Stamp_Duty_Fee", "number"),
        Column("Registration_Fee", "number"),
        Column("Guidance_Value", "number"),
        Column("Cash_Payment"),
        Column("Transaction_Date", "date"),
        Column("Registration_Office", max_width=40),
        Column("Name"),
        Column("Gender"),
        Column("Aadhaar"),
        Column("PAN"),
        Column("Address", max_width=60),
        Column("Pincode"),
        Column("State"),
        Column("Phone"),
        Column("Secondary_Phone"),
        Column("Email"),
        Column("Property_Share", "number"),
    ),
)


def address_name(prop: dict[str, Any]) -> str | None:
    """Schedule C's building name, then its address: "Sunrise Residency, No. 42, 5th Cross, ..."."""
    parts = [
        cells.text(prop.get("schedule_c_property_name")),
        cells.text(prop.get("schedule_c_property_address")),
    ]
    joined = ", ".join(p.strip() for p in parts if p and p.strip())
    return joined or None


def deed_values(sl_no: int, record: dict[str, Any]) -> list[Any]:
    """The deed's columns (SL_NO to Registration_Office) without USER_TYPE, which depends on the party."""
    prop: dict[str, Any] = record.get("property") or {}
    return [
        sl_no,
        cells.text(record.get("document_id")),
        cells.number(prop.get("schedule_b_area")),
        cells.number(prop.get("schedule_c_property_area")),
        address_name(prop),
        cells.text(prop.get("pincode")),
        cells.text(prop.get("state")),
        cells.number(prop.get("sale_consideration")),
        cells.number(prop.get("stamp_duty_fee")),
        cells.number(prop.get("registration_fee")),
        cells.number(prop.get("guidance_value")),
        cells.text(prop.get("paid_in_cash_mode")),
        cells.date(record.get("transaction_date")),
        cells.text(record.get("registration_office")),
    ]


def party_values(party: dict[str, Any], *, seller: bool) -> list[Any]:
    return [
        cells.text(party.get("name")),
        cells.text(party.get("gender")),
        cells.text(party.get("aadhaar_number")),
        cells.text(party.get("pan_card_number")),
        cells.text(party.get("address")),
        cells.text(party.get("pincode")),
        cells.text(party.get("state")),
        cells.text(party.get("phone_number")),
        cells.text(party.get("secondary_phone_number")),
        cells.text(party.get("email")),
        cells.number(party.get("property_share")) if seller else None,
    ]


def deed_rows(sl_no: int, record: dict[str, Any]) -> Iterator[list[Any]]:
    deed = deed_values(sl_no, record)
    head, tail = deed[:1], deed[1:]
    parties = 0
    for role, seller in (("sellers", True), ("buyers", False)):
        for party in record.get(role) or []:
            parties += 1
            yield [*head, "S" if seller else "B", *tail, *party_values(party, seller=seller)]
    if not parties:  # a deed whose parties were not found still gets its row
        yield [*head, None, *tail, *([None] * 11)]


class SaleDeedLayout:
    profile: str = "sale_deed"
    kinds: tuple[str, ...] = ("deed",)
    sheets: tuple[SheetSpec, ...] = (SALE_DEEDS,)

    def rows(self, documents: Iterable[Document]) -> Iterator[SheetRow]:
        sl_no = 0
        for doc in documents:
            for record in doc.records.get("deed", []):
                sl_no += 1
                for values in deed_rows(sl_no, record):
                    yield SheetRow(SALE_DEEDS, values)
