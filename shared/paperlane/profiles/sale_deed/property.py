"""The property: Schedules B and C (share of land, the apartment), money, and cash payment."""

from __future__ import annotations

import re

from paperlane.profiles.sale_deed.money import (
    CONSIDERATION,
    GUIDANCE,
    amount_for,
    mask_dates,
)
from paperlane.profiles.sale_deed.numbers import find_areas
from paperlane.profiles.sale_deed.parties import strip_state_and_pin
from paperlane.profiles.sale_deed.pincodes import find_states, state_for_pincode
from paperlane.profiles.sale_deed.schema import Property
from paperlane.profiles.sale_deed.text import clean_value, display_case, squash

_Q = r"[\"'`]?"
_SCHEDULE_HEAD = re.compile(
    rf"(?i)(?:THE\s+)?(?:SCHEDULE\s*-?\s*{_Q}\s*(?P<a>[ABC])[ \t]*{_Q}(?![\w])"
    rf"|{_Q}(?P<b>[ABC]){_Q}\s*-?\s*SCHEDULE"
    rf"|(?P<c>FIRST|SECOND|THIRD)\s+SCHEDULE)(?:\s+PROPERT(?:Y|IES))?(?=(?P<rest>[^\n]*))",
)
_ORDINAL = {"first": "A", "second": "B", "third": "C"}
_SECTION_END = re.compile(r"\bIN\s+WITNESS|^\s*WITNESSES\b|ENDORSEMENT|^\s*SIGNATURES?\b", re.I | re.M)
_NAME_PATTERNS = [
    re.compile(
        r"(?:known\s+as|named(?:\s+as)?|called|styled\s+as|christened\s+as)\s+(?:the\s+)?"
        r"(?:\"(?P<q>[^\"]{2,60})\"|'(?P<q2>[^']{2,60})'"
        r"|(?P<u>[A-Z][\w.&\- ]{2,50}?)"
        r"(?=\s*[,;(]|\s+(?:situated|located|lying|at|in|on|bearing|constructed)\b))"
    ),
    re.compile(
        r"(?im)name\s+of\s+the\s+(?:building|project|apartment|complex|property)\s*[:\-]\s*(?P<q>[^\n]+)"
    ),
]
# What "called the ..." also introduces: the parties, not the building.
_NOT_A_NAME = re.compile(
    r"^(?:the\s+)?(?:vendors?|sellers?|transferors?|purchasers?|buyers?|vendees?|transferees?|first|second)\b",
    re.I,
)
_SITUATED = re.compile(
    r"\b(?:situated|situate|located|lying|being)\s+at\b|\bproperty\s+address\s*[:\-]|\baddress\s+of\s+the\s+property\s*[:\-]",
    re.I,
)
_ADDRESS_STOP = re.compile(
    r",?\s*\b(?:having|measuring|admeasuring|with\s+a|with\s+an|together|and\s+bounded|bounded|comprising|consisting|within|"
    r"super\s+built|built[\s-]+up|carpet)\b|;|\n\s*\n",
    re.I,
)
_PIN_RE = re.compile(r"(?<!\d)[1-9]\d{2}\s?\d{3}(?!\d)")
_UNIT_PART = re.compile(
    r"^(?:flat|apartment|apt\.?|unit|door|house|residential\s+flat)\b.*|.*\bfloor\b.*|^(?:wing|tower)\s+\w+$",
    re.I,
)


def _is_heading(text: str, match: re.Match[str]) -> bool:
    """A schedule's heading, not a mention of it ("the Schedule 'B' and 'C' properties").

    On its own line the rest of the line says so; OCR may run the heading into the text around it,
    and then it follows the end of a sentence.
    """
    rest = match.group("rest").strip()
    if re.match(r"(?i)\s*(?:and|&|,)", rest):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    if not text[line_start : match.start()].strip():
        return (
            not rest
            or rest[0] in ":(-.["
            or rest.isupper()
            or bool(re.match(r"(?i)above|referred|property", rest))
        )
    before = text[max(0, match.start() - 3) : match.start()].rstrip()
    return not before or before[-1] in ".:;"


def schedules(text: str) -> dict[str, str]:
    """Schedule letter -> its text (to the next schedule, the attestation or the endorsement)."""
    heads = []
    for match in _SCHEDULE_HEAD.finditer(text):
        if not _is_heading(text, match):
            continue
        letter = match.group("a") or match.group("b") or _ORDINAL[match.group("c").lower()]
        heads.append((letter.upper(), match.start(), match.end()))
    out: dict[str, str] = {}
    for i, (letter, _, end) in enumerate(heads):
        stop = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        body = text[end:stop]
        cut = _SECTION_END.search(body)
        out.setdefault(letter, body[: cut.start()] if cut else body)
    return out


def _area_in(section: str) -> float | None:
    areas = find_areas(section)
    for area in areas:
        before = section[max(0, area.start - 80) : area.start]
        if re.search(r"area|measur|extent|carpet|built|admeasur", before, re.I):
            return area.sqft
    return areas[0].sqft if areas else None


def property_name(section: str, text: str) -> str | None:
    for source in (section, text):
        for pattern in _NAME_PATTERNS:
            match = pattern.search(source)
            if match:
                name = clean_value(
                    match.groupdict().get("q")
                    or match.groupdict().get("q2")
                    or match.groupdict().get("u")
                    or ""
                )
                if name and not _NOT_A_NAME.search(name):
                    return display_case(name)
    return None


def property_address(section: str, name: str | None) -> tuple[str | None, str | None, str | None]:
    """(address without unit, building, state and PIN; PIN; state) of the apartment."""
    match = _SITUATED.search(section)
    if not match:
        return None, None, None
    tail = section[match.end() :]
    stop = _ADDRESS_STOP.search(tail)
    region = tail[: stop.start() if stop else min(len(tail), 250)]
    pin = _PIN_RE.search(region)
    if pin:
        region = region[: pin.end()]
    pincode = re.sub(r"\s", "", pin.group(0)) if pin else None
    states = find_states(region)
    state = states[-1][0] if states else (state_for_pincode(pincode) if pincode else None)
    address = strip_state_and_pin(region)
    parts = [p.strip() for p in re.split(r",\s*", address) if p.strip()]
    parts = [p for p in parts if not _UNIT_PART.match(p) and (not name or squash(p).lower() != name.lower())]
    return (", ".join(parts) or None), pincode, state


def paid_in_cash(text: str) -> str:
    """'Yes' if any part of the consideration was paid in cash: a stated answer, a cash row in the
    payment table, or a sentence saying so without negation."""
    explicit = re.search(r"cash[^.\n:?]{0,50}[:?]\s*[-]?\s*(yes|no|nil)\b", text, re.I)
    if explicit:
        return "Yes" if explicit.group(1).lower() == "yes" else "No"
    # A payment-table row: "Cash" as a cell of its own, or after the row's serial number.
    if re.search(r"(?m)^[ \t]*cash[ \t]*$|^[ \t]*\d+[ \t]+cash\b", text, re.I):
        return "Yes"
    # The same row run into the lines around it by OCR: "... Amount (Rs.) 1 Cash Token advance - 50,000.00".
    if re.search(r"(?<![\w,.])\d{1,2}[ \t]+cash\b(?=[^.\n]{0,60}?\d{1,3}(?:[,.]\d{2,3})+)", text, re.I):
        return "Yes"
    for match in re.finditer(r"\b(?:in|by|through)\s+cash\b", text, re.I):
        sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n\n", 0, match.start()))
        sentence = text[sentence_start + 1 : match.end() + 40]
        if not re.search(
            r"\b(?:no|not|nil|none|without|never|neither|nor|otherwise\s+than|whether)\b", sentence, re.I
        ):
            return "Yes"
    return "No"


def extract_property(text: str) -> Property:
    sched = schedules(text)
    section_c = sched.get("C", "")
    section_b = sched.get("B", "")
    name = property_name(section_c, text)
    address, pincode, state = property_address(section_c or text, name)
    money_text = mask_dates(text)
    b_area = _area_in(section_b) if section_b else None
    if b_area is None:
        undivided = re.search(r"undivided[^.]{0,120}", text, re.I)
        b_area = _area_in(undivided.group(0)) if undivided else None
    return Property(
        schedule_b_area=b_area,
        schedule_c_property_name=name,
        schedule_c_property_address=address,
        schedule_c_property_area=_area_in(section_c) if section_c else None,
        paid_in_cash_mode="Yes" if paid_in_cash(text) == "Yes" else "No",
        pincode=pincode,
        state=state,
        sale_consideration=amount_for(money_text, CONSIDERATION),
        guidance_value=amount_for(money_text, GUIDANCE),
    )
