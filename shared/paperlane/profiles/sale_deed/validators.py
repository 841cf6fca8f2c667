"""Checks on an extracted deed record. Each failure is data: {field, code, message, severity}.

Messages never quote the value (Aadhaar, PAN and phone numbers are personal data and results are
logged and shown); they say what is wrong and where.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel

from paperlane.pii import PAN_SHAPE, verhoeff_check
from paperlane.profiles.sale_deed.pincodes import canonical_state, states_for_pincode

Severity = Literal["error", "warning"]

PAN_RE = re.compile(PAN_SHAPE)
# The 4th PAN letter says who holds it: P person, C company, H HUF, F firm, A AOP, T trust, ...
_PAN_HOLDER_TYPES = set("PCHFATBLJG")

# Stamp duty across Indian states runs from about 1% to 10% of the higher of consideration and
# guidance value (surcharges and cesses included).
STAMP_DUTY_RATE = (0.01, 0.10)


class Issue(BaseModel):
    field: str
    code: str
    message: str
    severity: Severity = "error"


def aadhaar_issues(field: str, value: str | None) -> list[Issue]:
    if not value:
        return []
    if not re.fullmatch(r"\d{12}", value):
        return [Issue(field=field, code="AADHAAR_FORMAT", message="Aadhaar number must be 12 digits.")]
    if value[0] in "01":
        return [Issue(field=field, code="AADHAAR_FORMAT", message="Aadhaar numbers never start with 0 or 1.")]
    if not verhoeff_check(value):
        return [Issue(field=field, code="AADHAAR_CHECKSUM", message="Aadhaar check digit (Verhoeff) fails.")]
    return []


def pan_issues(field: str, value: str | None) -> list[Issue]:
    if not value:
        return []
    if not PAN_RE.fullmatch(value):
        message = "PAN must be 5 letters, 4 digits and 1 letter."
        return [Issue(field=field, code="PAN_FORMAT", message=message)]
    if value[3] not in _PAN_HOLDER_TYPES:
        return [Issue(field=field, code="PAN_FORMAT", message="PAN's 4th letter is not a holder type.")]
    if value[3] != "P":
        message = "PAN's 4th letter is not P: the holder is not an individual."
        return [Issue(field=field, code="PAN_NOT_INDIVIDUAL", message=message, severity="warning")]
    return []


def phone_issues(field: str, value: str | None) -> list[Issue]:
    if value and not re.fullmatch(r"[6-9]\d{9}", value):
        message = "Mobile number must be 10 digits starting with 6 to 9."
        return [Issue(field=field, code="PHONE_FORMAT", message=message)]
    return []


def normalize_phone(text: str) -> str | None:
    """10 digits without +91 or a leading 0, or None when ``text`` is not an Indian mobile number."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits if re.fullmatch(r"[6-9]\d{9}", digits) else None


def pincode_issues(field: str, pincode: str | None, state: str | None) -> list[Issue]:
    if not pincode:
        return []
    if not re.fullmatch(r"[1-9]\d{5}", pincode):
        return [Issue(field=field, code="PINCODE_FORMAT", message="PIN code must be 6 digits, not from 0.")]
    states = states_for_pincode(pincode)
    canonical = canonical_state(state) if state else None
    if state and states and canonical not in states:
        message = f"PIN code prefix belongs to {' or '.join(states)}, not {canonical or state}."
        return [Issue(field=field, code="PINCODE_STATE_MISMATCH", message=message, severity="warning")]
    return []


def stamp_duty_issues(prop: dict[str, Any]) -> list[Issue]:
    duty = prop.get("stamp_duty_fee")
    bases = [v for v in (prop.get("sale_consideration"), prop.get("guidance_value")) if v]
    if not duty or not bases:
        return []
    rate = duty / max(bases)
    low, high = STAMP_DUTY_RATE
    if low <= rate <= high:
        return []
    message = (
        f"Stamp duty is {rate:.2%} of the higher of consideration and guidance value; "
        f"expected {low:.0%}-{high:.0%}."
    )
    return [
        Issue(field="property.stamp_duty_fee", code="STAMP_DUTY_RATE", message=message, severity="warning")
    ]


def share_issues(sellers: list[dict[str, Any]]) -> list[Issue]:
    shares = [s.get("property_share") for s in sellers]
    if not sellers or any(s is None for s in shares):
        return []
    total = sum(float(s) for s in shares if s is not None)
    if abs(total - 100.0) > 0.5:
        message = f"Sellers' shares add up to {total:g}%, not 100%."
        return [Issue(field="sellers", code="SHARES_TOTAL", message=message, severity="warning")]
    return []


def validate(record: dict[str, Any]) -> list[Issue]:
    """Every check over a record in the contract shape."""
    issues: list[Issue] = []
    prop = record.get("property") or {}
    issues += pincode_issues("property.pincode", prop.get("pincode"), prop.get("state"))
    issues += stamp_duty_issues(prop)
    for role in ("buyers", "sellers"):
        parties = record.get(role) or []
        if not parties:
            issues.append(Issue(field=role, code="NO_PARTIES", message=f"No {role} found."))
        for i, party in enumerate(parties):
            path = f"{role}[{i}]"
            issues += aadhaar_issues(f"{path}.aadhaar_number", party.get("aadhaar_number"))
            issues += pan_issues(f"{path}.pan_card_number", party.get("pan_card_number"))
            issues += phone_issues(f"{path}.phone_number", party.get("phone_number"))
            issues += phone_issues(f"{path}.secondary_phone_number", party.get("secondary_phone_number"))
            issues += pincode_issues(f"{path}.pincode", party.get("pincode"), party.get("state"))
    issues += share_issues(record.get("sellers") or [])
    return issues
