"""This deed's registration: its document number, execution date, office and fee table.

A deed cites earlier deeds ("purchased under a Sale Deed dated ... registered as Document No. X"),
so the number is chosen by where it is printed: running page headers and the registration
endorsement count for it, recitals count against it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from paperlane.profiles.sale_deed.money import REGISTRATION_FEE, STAMP_DUTY, amount_for, mask_dates
from paperlane.profiles.sale_deed.numbers import find_dates
from paperlane.profiles.sale_deed.text import clean_value

_DOC_ID = re.compile(
    r"\b(?:Document|Doc\.?|Regn\.?|Registration|Registered\s+as|Deed)\s*(?:No\.?|Number|Num\.?|#)\s*[:\-]?\s*"
    r"(?P<id>[A-Z0-9][A-Z0-9\-/.]*\d[A-Z0-9\-/]*(?:\s+of\s+(?:19|20)\d\d(?:-\d\d(?:\d\d)?)?)?)",
    re.I,
)
_ENDORSEMENT = re.compile(
    r"ENDORSEMENT|CERTIFICATE\s+OF\s+REGISTRATION|Presented\s+(?:in|at|before)\s+the\s+office|REGISTRATION\s+DETAILS",
    re.I,
)
_RECITAL_CUES = re.compile(
    r"\bWHEREAS\b|\bdated\b|\bvide\b|\bearlier\b|\bprevious|\bprior\b|\bmother\s+deed|\bpurchased\b|\bacquired\b"
    r"|\bunder\s+a\b|\btitle\s+deed",
    re.I,
)
_EXECUTION_CUE = re.compile(
    r"(?:made|executed|entered\s+into|execution|dated\s+this|dated)\b[^.;]{0,140}$", re.I
)
_EXECUTION_LABEL = re.compile(r"date\s+of\s+(?:execution|sale|transaction|this\s+deed)\s*[:\-]?\s*", re.I)
_OFFICE_LABEL = re.compile(
    r"(?:Registration|Registering|Registrar'?s?|Sub[\s-]?Registrar)\s+Office\s*[:\-]\s*(?P<v>[^\n]+)", re.I
)
# The registrar's signature after the office's name, on the same line once OCR has joined lines.
_SIGNED = re.compile(r"\(?\s*Sd\s*/|\s(?:Sheet|Page)\s+\d+\s+of\s+\d+", re.I)
_OFFICE_PHRASE = re.compile(
    r"(?P<v>(?:Office\s+of\s+the\s+(?:Joint\s+|District\s+)?Sub[\s-]?Registrar|(?:Joint\s+)?Sub[\s-]?Registrar(?:'s)?\s+Office|SRO)"
    r"[ \t]*,?[ \t]*\n?[ \t]*[A-Z][^;]*?)(?=\s+(?:as|on|vide|in\s+Book|under)\b|[.;]\s|\n\s*\n|\s*$)",
)


def endorsement_start(text: str) -> int | None:
    matches = list(_ENDORSEMENT.finditer(text))
    return matches[-1].start() if matches else None


def _clean_id(raw: str) -> str:
    return raw.strip().rstrip(".,;:-/")


def document_id(body: str, margins: list[str]) -> str | None:
    scores: dict[str, float] = defaultdict(float)
    for line in margins:
        for match in _DOC_ID.finditer(line):
            scores[_clean_id(match.group("id"))] += 3
    zone = endorsement_start(body)
    for match in _DOC_ID.finditer(body):
        doc_id = _clean_id(match.group("id"))
        paragraph_start = body.rfind("\n\n", 0, match.start()) + 1
        sentence_start = max(body.rfind(". ", paragraph_start, match.start()), paragraph_start)
        context = body[max(sentence_start, match.start() - 200) : match.start()]
        if _RECITAL_CUES.search(context):
            scores[doc_id] -= 4
        elif zone is not None and match.start() >= zone:
            scores[doc_id] += 2
        else:
            scores[doc_id] += 1
    best = max(scores.items(), key=lambda kv: kv[1], default=None)
    return best[0] if best and best[1] > 0 else None


def transaction_date(body: str, parties_end: int) -> dt.date | None:
    for found in find_dates(body[:parties_end]):
        if _EXECUTION_CUE.search(body[max(0, found.start - 160) : found.start]):
            return found.value
    for match in _EXECUTION_LABEL.finditer(body):
        dates = find_dates(body[match.end() : match.end() + 60])
        if dates and dates[0].start < 5:
            return dates[0].value
    zone = endorsement_start(body)
    if zone is not None:
        dates = find_dates(body[zone:])
        if dates:
            return dates[0].value
    return None


def registration_office(body: str) -> str | None:
    labelled = list(_OFFICE_LABEL.finditer(body))
    if labelled:
        match = labelled[-1]
        value = match.group("v")
        rest = re.match(r"\n([^\n:]{1,60})(?:\n|$)", body[match.end() :])
        unclosed = value.count("(") > value.count(")") or value.rstrip().endswith(",")
        if rest and not _SIGNED.search(value) and (unclosed or not re.match(r"[\d(]", rest.group(1))):
            # A line wrapped in its paragraph: "(Bengaluru" + "Urban)", "Vijayanagar 2nd" + "Stage, Mysuru";
            # never a next field ("Date: ...").
            value += " " + rest.group(1)
        signed = _SIGNED.search(value)
        return clean_value(value[: signed.start()] if signed else value) or None
    zone = endorsement_start(body) or 0
    for start in (zone, 0):
        for match in _OFFICE_PHRASE.finditer(body, start):
            value = clean_value(match.group("v"))
            if re.search(r"(?:Registrar|Office|SRO)\s*,?\s*\S", value):
                return value
    return None


def fees(body: str) -> tuple[float | None, float | None]:
    """(stamp duty, registration fee); the endorsement's fee table is preferred to the e-stamp box."""
    text = mask_dates(body)
    zone = endorsement_start(text)
    return amount_for(text, STAMP_DUTY, prefer_after=zone), amount_for(
        text, REGISTRATION_FEE, prefer_after=zone
    )
