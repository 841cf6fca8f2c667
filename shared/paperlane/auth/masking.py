"""What a viewer may not read whole: identity numbers, in extracted records and in free text.

Two rules, so neither a profile's field names nor its output shape decide what leaks:

- a value under a key that names an identity number (``aadhaar_number``, ``aadhaar_no``, ``PAN``,
  ``panCardNumber``, ``uid``...) is masked whole, whatever it looks like;
- every other string is searched for Aadhaar numbers (12 digits with a valid Verhoeff check digit, in
  any grouping) and PAN-shaped tokens, which are masked in place: the raw page text of a deed read
  with the generic profile, a custom profile's notes.

Masked values keep their shape and last four characters: "2884 2879 7116" reads "XXXX XXXX 7116".
"""

from __future__ import annotations

import re
from typing import Any

from paperlane.pii import keep_last, mask_identity_numbers

# Words of a key (snake_case, camelCase, dotted paths alike) that say it holds an identity number.
_KEY_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_IDENTITY_PREFIXES = ("aadhaar", "aadhar", "adhaar")
_IDENTITY_WORDS = frozenset({"pan", "pancard", "panno", "uid", "uidai", "uidno"})


def is_identity_key(key: str) -> bool:
    words = [w.lower() for w in _KEY_WORDS.findall(key)]
    return any(w in _IDENTITY_WORDS or w.startswith(_IDENTITY_PREFIXES) for w in words)


def mask_identity(value: str) -> str:
    """A whole identity number masked, its separators kept (see ``paperlane.pii.keep_last``)."""
    return keep_last(value)


def masked(data: Any) -> Any:
    """A copy of JSON-like data with every identity number masked (the input is left untouched)."""
    if isinstance(data, dict):
        return {k: _identity_value(v) if is_identity_key(str(k)) else masked(v) for k, v in data.items()}
    if isinstance(data, list):
        return [masked(v) for v in data]
    if isinstance(data, str):
        return mask_identity_numbers(data)
    return data


def _identity_value(value: Any) -> Any:
    # A number stored as a number is masked all the same; a value without digits ("not given") holds
    # no number. Objects under such a key (a "fields" entry named after the path) go by their own keys.
    if isinstance(value, str):
        return mask_identity(value) if any(c.isdigit() for c in value) else value
    if isinstance(value, int) and not isinstance(value, bool):
        return mask_identity(str(value))
    if isinstance(value, list):
        return [_identity_value(v) for v in value]
    return masked(value)
