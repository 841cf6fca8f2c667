"""Identity numbers in text: how Aadhaar and PAN numbers are recognised, and how they are shown masked.

One definition serves every place that must hide them: the log masker (paperlane.observability hides
everything shaped like one) and viewers' results (paperlane.auth.masking hides, in free text, only
numbers that pass the Aadhaar check digit, so amounts and bank references stay readable). Pure
standard library: the logger imports this, so it must import nothing of Paperlane.
"""

from __future__ import annotations

import re

# Twelve digits grouped 4-4-4 in any way people print them: 288428797116, 2884 2879 7116, 2884-2879-7116.
AADHAAR_LIKE = re.compile(r"\b\d{4}[\s-]?\d{4}[\s-]?\d{4}\b")
# Five letters, four digits, a letter: BQXPG0379P.
PAN_SHAPE = r"[A-Z]{5}\d{4}[A-Z]"
PAN_LIKE = re.compile(rf"\b{PAN_SHAPE}\b")

# Verhoeff tables: multiplication in the dihedral group D5, the position permutation, the inverse.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)

_ALNUM = re.compile(r"[0-9A-Za-z]")


def verhoeff_check(number: str) -> bool:
    """True when the last digit is the Verhoeff check digit of the rest."""
    if not number.isdigit():
        return False
    c = 0
    for i, digit in enumerate(reversed(number)):
        c = _D[c][_P[i % 8][int(digit)]]
    return c == 0


def verhoeff_digit(number: str) -> str:
    """The check digit to append to ``number``."""
    c = 0
    for i, digit in enumerate(reversed(number)):
        c = _D[c][_P[(i + 1) % 8][int(digit)]]
    return str(_INV[c])


def is_aadhaar(text: str) -> bool:
    """Whether ``text`` (separators allowed) is an Aadhaar number: 12 digits, not from 0 or 1, and a
    valid Verhoeff check digit."""
    digits = re.sub(r"[\s-]", "", text)
    return len(digits) == 12 and digits[0] not in "01" and verhoeff_check(digits)


def keep_last(value: str, keep: int = 4) -> str:
    """Every letter and digit but the last ``keep`` as X, separators kept: "2884 2879 7116" reads
    "XXXX XXXX 7116", "BQXPG0379P" reads "XXXXXX379P". Enough to tell records apart, not to misuse."""
    total = len(_ALNUM.findall(value))
    seen = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group(0) if seen > total - keep else "X"

    return _ALNUM.sub(hide, value)


def mask_identity_numbers(text: str) -> str:
    """``text`` with every Aadhaar number (checked by Verhoeff) and PAN-shaped token masked in place."""
    text = AADHAAR_LIKE.sub(lambda m: keep_last(m.group(0)) if is_aadhaar(m.group(0)) else m.group(0), text)
    return PAN_LIKE.sub(lambda m: keep_last(m.group(0)), text)
