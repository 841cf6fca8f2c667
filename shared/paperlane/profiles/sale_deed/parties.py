"""Sellers and buyers: find the parties' part of the deed, split it by role and by person, read each.

Deeds word the roles many ways (Vendor / Seller / Transferor, Purchaser / Buyer / Vendee /
Transferee) and place them either after the people ("... hereinafter called the VENDOR") or before
them as a heading ("SELLERS:"). People are numbered, or introduced by "Name:", or only by an
honorific. Each person's details are either prose ("aged about 40, S/o ..., residing at ...") or
label: value pairs; both are read with one label vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from paperlane.profiles.sale_deed.identity import (
    AADHAAR_CANDIDATE,
    PAN_CANDIDATE,
    AadhaarRead,
    normalize_aadhaar,
    normalize_doubled_pan,
    normalize_pan,
)
from paperlane.profiles.sale_deed.pincodes import STATE_RE, canonical_state, find_states, state_for_pincode
from paperlane.profiles.sale_deed.schema import Buyer, Seller
from paperlane.profiles.sale_deed.text import clean_value, display_case, squash
from paperlane.profiles.sale_deed.validators import PAN_RE, normalize_phone

Role = Literal["seller", "buyer"]

_SELLER_WORDS = r"vendors?|sellers?|transferors?|vendor\(s\)|seller\(s\)|transferor\(s\)"
_BUYER_WORDS = (
    r"purchasers?|buyers?|vendees?|transferees?|purchaser\(s\)|buyer\(s\)|vendee\(s\)|transferee\(s\)"
)
_ROLE_RE = re.compile(rf"\b(?:(?P<seller>{_SELLER_WORDS})|(?P<buyer>{_BUYER_WORDS}))(?![\w(])", re.I)
_TRAILING_RE = re.compile(
    r"\(?\s*here\s*-?\s*in\s*-?\s*after[^()]{0,60}$|(?:called|referred\s+to\s+as)\s+(?:the\s+)?[\"']?\s*$",
    re.I,
)
_LEAD_PREFIX_RE = re.compile(
    r"^[ \t]*(?:\(?\d+[.)]\s*)?(?:(?:details|particulars|names?\s+and\s+address(?:es)?)\s+of\s+)?(?:the\s+)?"
    r"(?:(?:first|second)\s+party\s*[(:\-]?\s*)?$",
    re.I,
)
_LEAD_SUFFIX_RE = re.compile(r"^\)?(?:\s*(?:no\.?\s*)?\d+)?\s*(?:[:\-]|\s*$|\n)", re.I)
# A heading run into the text before it by OCR ("... E-mail: - AND BUYER 1 Name ..."): after the end
# of a field or sentence, and then numbered, or followed by a colon or a label.
_INLINE_PREFIX_RE = re.compile(
    r"(?:^|[.;:,)\-]|\bAND)\s*(?:(?:details|particulars|names?\s+and\s+address(?:es)?)\s+of\s+)?"
    r"(?:the\s+)?$",
    re.I,
)
_INLINE_SUFFIX_RE = re.compile(r"^\)?(?:\s*(?:no\.?\s*)?\d+\b\s*[.:)\-]?|\s*[:\-]|\s+(?=name\b))", re.I)
_START_RE = re.compile(r"\bbetween\b", re.I)
_END_RE = re.compile(r"\bWHEREAS\b|\bRECITALS?\b|NOW\s+TH(?:IS|E)\s+(?:DEED|INDENTURE)|WITNESSETH", re.I)
_PART_RE = re.compile(r"\bPART\b[\s;.,:]*(?:AND\b)?", re.I)
_CLOSE_RE = re.compile(r"\)\s*[;.,]?")

HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Smt|Shrimati|Srimathi|Srimati|Sri|Shri|Sh|Kum|Kumari|Dr|Master|Mast|Late)"
_HONORIFIC_RE = re.compile(rf"\b{HONORIFIC}\b\.?\s*", re.I)
_MALE = {"mr", "sri", "shri", "sh", "master", "mast"}
_FEMALE = {"mrs", "ms", "miss", "smt", "shrimati", "srimathi", "srimati", "kum", "kumari"}
_RELATION_RE = re.compile(
    r"\b(?P<m>S\s*/\s*o|son\s+of|H\s*/\s*o|husband\s+of)\b|\b(?P<f>[DW]\s*/\s*o|daughter\s+of|wife\s+of)\b"
    r"|\bC\s*/\s*o\b|\bcare\s+of\b",
    re.I,
)

_RELATIVE = r"(?:father|husband|mother|spouse|guardian|wife)"
_ALTERNATE = r"(?:alternate|alternative|alt\.?|secondary|other|second|additional)"
_PHONE_WORDS = r"(?:mobile|phone|mob\.?|ph\.?|contact|cell|tel\.?|telephone)(?:\s*(?:no\.?|number))?"
# (key, pattern, needs ":" after it or to stand alone on its line). Order matters: longer first.
_LABELS: list[tuple[str, str, bool]] = [
    ("relation", _RELATIVE + r"'?s?\s*(?:/\s*(?:husband|father)'?s?\s*)?name", False),
    ("name", rf"(?:full\s+)?name(?:\s+of\s+the\s+(?:{_SELLER_WORDS}|{_BUYER_WORDS}|party))?", True),
    ("age", r"aged(?:\s+about)?", False),
    ("age", r"age", True),
    ("gender", r"gender|sex", True),
    ("address", r"(?:(?:residential|permanent|present|postal)\s+)?address", True),
    ("address", r"(?:(?:permanently|presently|currently)\s+)?residing\s+at|resident\s+of|R\s*/\s*o", False),
    ("aadhaar", r"aadha?a?r(?:\s*(?:card|no\.?|number|#))*|UID(?:AI)?(?:\s*(?:no\.?|number))?", False),
    ("pan", r"PAN(?:\s*(?:card|no\.?|number))*|permanent\s+account\s+number", False),
    ("phone2", rf"{_ALTERNATE}\s*{_PHONE_WORDS}", False),
    ("phone", _PHONE_WORDS, False),
    ("email", r"e\s*-?\s*mail(?:\s*(?:id|address))?", False),
    ("share", r"(?:extent\s+of\s+)?share(?:\s+in\s+the\s+(?:schedule\s+)?propert(?:y|ies))?", True),
    ("pincode", r"pin\s*code|pin|postal\s+code", False),
    ("state", r"state", True),
    ("other", r"city|town|district|occupation|profession|date\s+of\s+birth|nationality|religion|role", True),
]  # fmt: skip
_LABEL_RE = re.compile(
    "|".join(f"(?P<L{i}>\\b(?:{pattern}))(?![A-Za-z])" for i, (_, pattern, _) in enumerate(_LABELS)), re.I
)
_AADHAAR_RE = re.compile(r"(?<![\d+])[2-9]\d{3}[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
# Ten digits from 6-9, grouped any way (a line break may fall between the groups), +91 or 0 before.
_PHONE_RE = re.compile(r"(?<![\w+])(?:\(?\+?\s?91\)?[\s\-]*|0)?[6-9](?:[\s\-]?\d){9}(?!\d)")
_PIN_RE = re.compile(r"(?<!\d)[1-9]\d{2}\s?\d{3}(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


@dataclass
class _Label:
    key: str
    start: int
    end: int


@dataclass
class _Marker:
    role: Role
    kind: Literal["lead", "trailing"]
    start: int
    end: int


def party_section(text: str) -> tuple[int, int]:
    """Where the parties are introduced: after "between", up to the recitals."""
    start_match = _START_RE.search(text)
    start = start_match.end() if start_match else 0
    end_match = _END_RE.search(text, start)
    return start, end_match.start() if end_match else len(text)


def _markers(section: str) -> list[_Marker]:
    out: list[_Marker] = []
    for match in _ROLE_RE.finditer(section):
        role: Role = "seller" if match.group("seller") else "buyer"
        before = section[max(0, match.start() - 80) : match.start()]
        trailing = _TRAILING_RE.search(before)
        if trailing:
            start = match.start() - len(before) + trailing.start()
            out.append(_Marker(role, "trailing", start, match.end()))
            continue
        line_start = section.rfind("\n", 0, match.start()) + 1
        after = section[match.end() :]
        suffix = _LEAD_SUFFIX_RE.match(after)
        if _LEAD_PREFIX_RE.match(section[line_start : match.start()]) and suffix:
            out.append(_Marker(role, "lead", line_start, match.end() + suffix.end()))
            continue
        inline = _INLINE_SUFFIX_RE.match(after)
        prefix = _INLINE_PREFIX_RE.search(section[max(line_start, match.start() - 60) : match.start()])
        if inline and prefix:
            out.append(_Marker(role, "lead", match.start(), match.end() + inline.end()))
    return out


def _skip_clause(section: str, pos: int) -> int:
    """After "(hereinafter called the VENDOR, which expression ... of the ONE PART; AND"."""
    limit = min(len(section), pos + 400)
    match = _PART_RE.search(section, pos, limit) or _CLOSE_RE.search(section, pos, limit)
    return match.end() if match else pos


def role_segments(section: str) -> list[tuple[Role, str]]:
    segments: list[tuple[Role, str]] = []
    current: Role | None = None
    seg_start = 0
    for marker in _markers(section):
        if marker.kind == "lead":
            if current is not None:
                segments.append((current, section[seg_start : marker.start]))
            current, seg_start = marker.role, marker.end
        else:
            segments.append((marker.role, section[seg_start : marker.start]))
            current, seg_start = None, _skip_clause(section, marker.end)
    if current is not None:
        segments.append((current, section[seg_start:]))
    return [(role, text) for role, text in segments if _has_person(text)]


def _has_person(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", text)) and bool(
        _AADHAAR_RE.search(text) or PAN_RE.search(text) or _HONORIFIC_RE.search(text) or _labels(text)
    )


def _labels(text: str) -> list[_Label]:
    out: list[_Label] = []
    for match in _LABEL_RE.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        key, _, needs_colon = _LABELS[index]
        if needs_colon:
            after = text[match.end() :]
            line_start = text.rfind("\n", 0, match.start()) + 1
            alone = not text[line_start : match.start()].strip(" \t0123456789.)(") and re.match(
                r"[ \t]*\n", after
            )
            if not (re.match(r"[ \t]*[:\-]", after) or alone or _bare_label(key, after)):
                continue
        out.append(_Label(key, match.start(), match.end()))
    return out


def _bare_label(key: str, after: str) -> bool:
    """A label without its colon, its value run onto its line (a table as OCR reads it): "Name Smt.
    Kavya Rao", "Age 48 years", "State Kerala". Prose uses these words too, but not before such values."""
    if key == "state":
        return bool(re.match(rf"[ \t]+{STATE_RE.pattern}", after, re.I))
    if key == "gender":
        return bool(re.match(r"[ \t]+(?:male|female)\b", after, re.I))
    return key in ("name", "age", "address", "share") and bool(re.match(r"[ \t]+(?:[A-Z0-9]|\(\d)", after))


def _numbered_starts(text: str) -> list[int]:
    """Starts of the items of a list numbered 1, 2, 3... at line starts."""
    starts: list[int] = []
    expected = 1
    # At a line start, or (lines joined by OCR) after the end of the previous person's details.
    for match in re.finditer(r"(?m)(?:^[ \t]*|(?<=[.;] ))\(?(\d{1,2})[.)][ \t]+", text):
        if int(match.group(1)) == expected:
            starts.append(match.start())
            expected += 1
    return starts


def _honorific_starts(text: str) -> list[int]:
    starts = []
    for match in _HONORIFIC_RE.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        if match.group(0).lower().startswith("late") or re.search(
            r"(?:[SDWHC]\s*/\s*o\.?|of|by|through|late|name\s*[:\-]?)\s*$", before, re.I
        ):
            continue
        if match.end() < len(text) and text[match.end()].isupper():
            starts.append(match.start())
    return starts


def split_people(segment: str) -> list[str]:
    names = [lb.start for lb in _labels(segment) if lb.key == "name"]
    starts = names or _numbered_starts(segment) or _honorific_starts(segment)
    if not starts:
        return [segment]
    bounds = [*starts, len(segment)]
    return [segment[a:b] for a, b in pairwise(bounds)]


# --- one person ---------------------------------------------------------------------------------


def _values(entry: str, labels: list[_Label]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for label, nxt in zip(labels, [*labels[1:], None], strict=True):
        value = entry[label.end : nxt.start if nxt else len(entry)]
        out.setdefault(label.key, []).append(value.lstrip(" \t:-"))
    return out


def _name_and_honorific(
    entry: str, labels: list[_Label], values: dict[str, list[str]]
) -> tuple[str | None, str | None]:
    if values.get("name"):
        raw = values["name"][0]
    else:
        first_label = labels[0].start if labels else len(entry)
        raw = entry[:first_label]
        raw = re.sub(r"^[\s\d.():;,]*(?:AND\b)?[\s\d.():;,]*", "", raw, flags=re.I)
    relation = _RELATION_RE.search(raw)
    if relation:
        raw = raw[: relation.start()]
    raw = re.split(r"[,(;\n]|\s{2,}|\baged\b|\bage\b", raw.strip(), maxsplit=1)[0]
    honorific = None
    while True:
        match = re.match(rf"\s*({HONORIFIC})\b\.?\s*", raw, re.I)
        if not match:
            break
        honorific = honorific or match.group(1).lower()
        raw = raw[match.end() :]
    name = clean_value(raw)
    return (display_case(name) if name else None), honorific


def _gender(values: dict[str, list[str]], honorific: str | None, entry: str) -> str | None:
    for value in values.get("gender", []):
        word = clean_value(value).lower()
        if word.startswith(("f", "w")):
            return "Female"
        if word.startswith("m"):
            return "Male"
    if honorific in _MALE:
        return "Male"
    if honorific in _FEMALE:
        return "Female"
    relation = _RELATION_RE.search(entry)
    if relation and relation.group("m"):
        return "Male"
    if relation and relation.group("f"):
        return "Female"
    for match in re.finditer(r"\b(husband|wife)(?:'|)?s?\s*name", entry, re.I):
        return "Female" if match.group(1).lower() == "husband" else "Male"
    return None


def _aadhaar_reads(text: str, offset: int = 0) -> list[tuple[AadhaarRead, tuple[int, int]]]:
    out = []
    for match in re.finditer(rf"(?=({AADHAAR_CANDIDATE.pattern}))", text):
        read = normalize_aadhaar(match.group(1))
        if read:
            out.append((read, (offset + match.start(1), offset + match.end(1))))
    return out


def _aadhaar(entry: str, values: dict[str, list[str]]) -> tuple[str | None, tuple[int, int] | None]:
    """Under its label the first number read (verified if one is); elsewhere only a verified one, or
    one printed as Aadhaar numbers are, so a phone number and its neighbour are never taken for one."""
    for value in values.get("aadhaar", []):
        offset = entry.find(value)
        reads = _aadhaar_reads(value[:45], max(offset, 0))
        if reads:
            read, span = next(((r, sp) for r, sp in reads if r.verified), reads[0])
            return read.value, span
    reads = _aadhaar_reads(entry)
    for read, span in reads:
        if read.verified:
            return read.value, span
    match = _AADHAAR_RE.search(entry)
    if match:
        return re.sub(r"\D", "", match.group(0)), match.span()
    return None, None


def _pans(text: str) -> list[str]:
    found = (normalize_pan(m.group(1)) for m in re.finditer(rf"(?=({PAN_CANDIDATE.pattern}))", text))
    return [p for p in found if p]


def _pan(entry: str, values: dict[str, list[str]]) -> str | None:
    for value in values.get("pan", []):
        pans = _pans(value[:30])
        doubled = re.match(r"\s*([A-Za-z0-9|]{11})(?![A-Za-z0-9])", value)
        pan = pans[0] if pans else normalize_doubled_pan(doubled.group(1)) if doubled else None
        if pan:
            return pan
    match = re.search(rf"\b{PAN_RE.pattern}\b", entry)
    if match:
        return match.group(0)
    pans = _pans(entry)
    if pans:
        return pans[0]
    # A malformed PAN under its label is still reported, so validation can flag it.
    for value in values.get("pan", []):
        token = re.match(r"\s*([A-Z0-9]{8,12})\b", value)
        if token and re.search(r"\d", token.group(1)) and re.search(r"[A-Z]", token.group(1)):
            return token.group(1)
    return None


def _phones(
    entry: str, values: dict[str, list[str]], blank: list[tuple[int, int]]
) -> tuple[str | None, str | None]:
    def first(texts: list[str]) -> str | None:
        for text in texts:
            for match in _PHONE_RE.finditer(text[:40]):
                phone = normalize_phone(match.group(0))
                if phone:
                    return phone
        return None

    primary, secondary = first(values.get("phone", [])), first(values.get("phone2", []))
    if primary is None:
        masked = list(entry)
        for a, b in blank:
            masked[a:b] = " " * (b - a)
        found = [p for p in (normalize_phone(m.group(0)) for m in _PHONE_RE.finditer("".join(masked))) if p]
        found = [p for p in found if p != secondary]
        primary = found[0] if found else None
        if secondary is None and len(found) > 1:
            secondary = found[1]
    return primary, secondary


def strip_state_and_pin(address: str) -> str:
    """'No. 5, MG Road, Bengaluru, Karnataka - 560001.' -> 'No. 5, MG Road, Bengaluru'."""
    text = clean_value(address)
    while True:
        before = text
        text = re.sub(r"(?:PIN(?:\s*code)?|pincode)?\s*[:\-]?\s*[1-9]\d{2}\s?\d{3}$", "", text, flags=re.I)
        text = re.sub(r"\bIndia$", "", text, flags=re.I)
        text = clean_value(text)
        states = find_states(text)
        if states and states[-1][2] == len(text) and states[-1][1] > 0:
            cut = text[: states[-1][1]]
            if re.search(r"[,\-]\s*$", cut):
                text = clean_value(cut)
        text = re.sub(r"\s*\bState$", "", text, flags=re.I)
        text = clean_value(text)
        if text == before:
            return text


def _address_region(entry: str, labels: list[_Label]) -> str:
    for i, label in enumerate(labels):
        if label.key == "address":
            # A PIN label can sit inside a prose address ("Bengaluru, PIN 560001"); any other label ends it.
            nxt = next((lb for lb in labels[i + 1 :] if lb.key != "pincode"), None)
            return entry[label.end : nxt.start if nxt else len(entry)].lstrip(" \t:-")
    return ""


def _share(entry: str, values: dict[str, list[str]]) -> float | None:
    for text in [*values.get("share", []), entry]:
        share = parse_share(text)
        if share is not None:
            return share
    return None


_FRACTION_WORDS = {
    "half": 50.0, "one-half": 50.0, "one half": 50.0, "one-third": 100 / 3, "one third": 100 / 3,
    "two-thirds": 200 / 3, "two third": 200 / 3, "two-third": 200 / 3, "one-fourth": 25.0,
    "one fourth": 25.0, "quarter": 25.0, "three-fourths": 75.0, "three-fourth": 75.0,
    "entire": 100.0, "whole": 100.0, "full": 100.0, "absolute": 100.0,
}  # fmt: skip


def parse_share(text: str) -> float | None:
    """A seller's share in percent: '50%', '50 per cent', '1/2 share', 'undivided half share'."""
    flat = squash(text)
    match = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)", flat, re.I)
    if match and re.search(r"share", flat, re.I):
        return round(float(match.group(1)), 2)
    match = re.search(
        r"\b(\d+)\s*/\s*(\d+)(?:\s*(?:st|nd|rd|th))?\s+(?:\(?[^)]{0,30}\)?\s*)?(?:undivided\s+)?share",
        flat,
        re.I,
    )
    if match and int(match.group(2)) > 0:
        return round(100 * int(match.group(1)) / int(match.group(2)), 2)
    words = "|".join(sorted(_FRACTION_WORDS, key=len, reverse=True)).replace(" ", r"\s+")
    match = re.search(
        rf"\b({words})\s+(?:undivided\s+)?(?:right,?\s+title\s+and\s+interest\s+|share)", flat, re.I
    )
    if match:
        return round(_FRACTION_WORDS[re.sub(r"\s+", " ", match.group(1).lower())], 2)
    return None


def read_person(entry: str) -> tuple[Seller, float | None]:
    """One person's fields (as a Seller; buyers drop the share)."""
    labels = _labels(entry)
    values = _values(entry, labels)
    name, honorific = _name_and_honorific(entry, labels, values)
    aadhaar, aadhaar_span = _aadhaar(entry, values)
    address_raw = _address_region(entry, labels)
    blank = [aadhaar_span] if aadhaar_span else []
    pin_text = " ".join(values.get("pincode", [])) + " " + address_raw
    pins = [m.group(0) for m in _PIN_RE.finditer(pin_text)]
    pincode = (
        re.sub(r"\s", "", pins[0] if values.get("pincode") and pins else (pins[-1] if pins else "")) or None
    )
    for match in _PIN_RE.finditer(entry):
        if pincode and re.sub(r"\s", "", match.group(0)) == pincode:
            blank.append(match.span())
    phone, phone2 = _phones(entry, values, blank)
    state = None
    for value in values.get("state", []):
        state = canonical_state(clean_value(value.split("\n")[0])) or state
    if state is None:
        found = find_states(address_raw)
        state = found[-1][0] if found else None
    if state is None and pincode:
        state = state_for_pincode(pincode)
    email = _EMAIL_RE.search(entry)
    address = strip_state_and_pin(address_raw) if address_raw else None
    person = Seller(
        name=name,
        gender=_gender(values, honorific, entry),
        aadhaar_number=aadhaar,
        pan_card_number=_pan(entry, values),
        address=address or None,
        pincode=pincode,
        state=state,
        phone_number=phone,
        secondary_phone_number=phone2,
        email=email.group(0).rstrip(".") if email else None,
    )
    return person, _share(entry, values)


def extract_parties(text: str) -> tuple[list[Buyer], list[Seller]]:
    start, end = party_section(text)
    section = text[start:end]
    buyers: list[Buyer] = []
    sellers: list[Seller] = []
    pending_shares: list[float | None] = []
    for role, segment in role_segments(section):
        for entry in split_people(segment):
            if not _has_person(entry):
                continue
            person, share = read_person(entry)
            if role == "seller":
                sellers.append(person)
                pending_shares.append(share)
            else:
                buyers.append(Buyer(**person.model_dump(exclude={"property_share"})))
    _assign_shares(sellers, pending_shares)
    return buyers, sellers


def _assign_shares(sellers: list[Seller], shares: list[float | None]) -> None:
    """Printed shares as printed; when none is printed the sellers hold equal shares."""
    if sellers and all(s is None for s in shares):
        shares = [round(100.0 / len(sellers), 2)] * len(sellers)
    for seller, share in zip(sellers, shares, strict=True):
        seller.property_share = share
