"""PAN and Aadhaar numbers as OCR reads them: spaced out, with letters and digits confused.

A PAN's shape says which positions are letters (1-5 and 10) and which digits (6-9), so a misread
character can be put back by position. An Aadhaar number is all digits; O, I and l in one are read
as 0 and 1, and the result is kept only when the Verhoeff check digit confirms it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from paperlane.pii import verhoeff_check
from paperlane.profiles.sale_deed.validators import PAN_RE

_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "i": "1", "|": "1",
                           "S": "5", "s": "5", "B": "8", "Z": "2", "G": "6"})  # fmt: skip
# A lower-case l or a bar among a PAN's capitals is an I.
_AS_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "l": "I", "|": "I"})
_PAN_HOLDER_TYPES = set("PCHFATBLJG")
# Ten characters a PAN could have been read as, optionally with spaces OCR put between its parts.
PAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9|](?:[ \t]?[A-Za-z0-9|]){9}(?![A-Za-z0-9])")
# Twelve digits (or O/I/l read for 0/1), in groups split by at most one space, line break or hyphen.
AADHAAR_CANDIDATE = re.compile(r"(?<![\w+])[0-9OIl](?:[\s\-]?[0-9OIl]){11}(?![\w])")


def normalize_pan(raw: str) -> str | None:
    """The PAN ``raw`` reads as, once misread characters are put back by position; None if it is none."""
    compact = re.sub(r"\s", "", raw)
    if len(compact) != 10:
        return None
    fixed = (
        compact[:5].translate(_AS_LETTER).upper()
        + compact[5:9].translate(_AS_DIGIT)
        + compact[9].translate(_AS_LETTER).upper()
    )
    if not PAN_RE.fullmatch(fixed) or fixed[3] not in _PAN_HOLDER_TYPES:
        return None
    # Most characters must have been read right: a word ("REGISTERED") is not a misread PAN.
    changed = sum(a != b for a, b in zip(compact.upper(), fixed, strict=True))
    return fixed if changed <= 2 else None


# Tesseract sometimes reads one narrow glyph as two alike ones: a zero as "O0", a one as "Il".
_ALIKE = ("0OoDQ", "1Il|i")


def normalize_doubled_pan(raw: str) -> str | None:
    """An 11-character read of a PAN where one glyph came out twice ("YTXPMO0750I"): the PAN left by
    dropping one of two alike neighbours, when every such drop that makes a PAN makes the same one."""
    compact = re.sub(r"\s", "", raw)
    if len(compact) != 11:
        return None
    found = set()
    for i in range(10):
        pair = compact[i : i + 2]
        if any(pair[0] in alike and pair[1] in alike for alike in _ALIKE):
            for drop in (i, i + 1):
                pan = normalize_pan(compact[:drop] + compact[drop + 1 :])
                if pan:
                    found.add(pan)
    return found.pop() if len(found) == 1 else None


class AadhaarRead(NamedTuple):
    value: str  # 12 digits when verified, else the characters as read (spaces removed)
    verified: bool  # the Verhoeff check digit passes


def normalize_aadhaar(raw: str) -> AadhaarRead | None:
    """``raw`` as an Aadhaar number: 12 digits once O/I/l are read as 0/1, checked by Verhoeff.

    None when ``raw`` has not 12 such characters; unverified (kept as read, for validation to flag)
    when the check digit fails.
    """
    compact = re.sub(r"[\s\-]", "", raw)
    if len(compact) != 12 or sum(c.isdigit() for c in compact) < 9:
        return None
    digits = compact.translate(_AS_DIGIT)
    if digits.isdigit() and digits[0] not in "01" and verhoeff_check(digits):
        return AadhaarRead(digits, True)
    return AadhaarRead(compact, False)
