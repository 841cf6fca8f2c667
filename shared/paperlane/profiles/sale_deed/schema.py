"""The deed record in the contract's field names (samples/README.md, "Sale deeds")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

FieldSource = Literal["rules", "llm", "vision", "ocr"]


class FieldMeta(BaseModel):
    """Where a field's value came from and how far to trust it (0..1)."""

    source: FieldSource = "rules"
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)


class Buyer(BaseModel):
    name: str | None = None
    gender: Literal["Male", "Female"] | None = None
    aadhaar_number: str | None = None
    pan_card_number: str | None = None
    address: str | None = None
    pincode: str | None = None
    state: str | None = None
    phone_number: str | None = None
    secondary_phone_number: str | None = None
    email: str | None = None


class Seller(Buyer):
    property_share: float | None = None


class Property(BaseModel):
    schedule_b_area: float | None = None
    schedule_c_property_name: str | None = None
    schedule_c_property_address: str | None = None
    schedule_c_property_area: float | None = None
    paid_in_cash_mode: Literal["Yes", "No"] | None = None
    pincode: str | None = None
    state: str | None = None
    sale_consideration: float | None = None
    stamp_duty_fee: float | None = None
    registration_fee: float | None = None
    guidance_value: float | None = None


class SaleDeed(BaseModel):
    document_id: str | None = None
    transaction_date: str | None = None
    registration_office: str | None = None
    property: Property = Field(default_factory=Property)
    buyers: list[Buyer] = Field(default_factory=list)
    sellers: list[Seller] = Field(default_factory=list)
