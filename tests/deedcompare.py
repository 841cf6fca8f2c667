"""Deed records compared as samples/README.md says ("How outputs are compared"): case, accents, repeated
spaces and trailing punctuation ignored; aadhaar, PIN and phone numbers by their digits; numbers within
0.5; "", "-" and null alike; parties paired by name, missing or extra ones counted as errors.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Compared by their digits; phones as their last 10 digits (without +91 or a leading 0).
_DIGIT_FIELDS = frozenset({"aadhaar_number", "pincode"})
_PHONE_FIELDS = frozenset({"phone_number", "secondary_phone_number"})


def _leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, value)]


def norm(value: Any) -> Any:
    if value in (None, "", "-"):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().rstrip(".,;:").casefold()


def _digits(value: Any, phone: bool) -> str | None:
    if norm(value) is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    return digits[-10:] if phone else digits


def _same(got: Any, expected: Any, path: str = "") -> bool:
    key = path.rsplit(".", 1)[-1]
    if key in _DIGIT_FIELDS or key in _PHONE_FIELDS:
        return _digits(got, key in _PHONE_FIELDS) == _digits(expected, key in _PHONE_FIELDS)
    g, e = norm(got), norm(expected)
    if isinstance(e, float) and isinstance(g, float):
        return abs(g - e) <= 0.5
    return bool(g == e)


def _pair_parties(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """Got parties reordered to match the expected ones by name (the README pairs parties by name)."""
    by_name = {norm(p.get("name")): p for p in got}
    return [by_name.get(norm(p["name"])) for p in expected]


def field_errors(got: dict[str, Any], expected: dict[str, Any]) -> tuple[int, list[str]]:
    """(number of leaf fields compared, paths that differ). Missing or extra parties count as errors."""
    total, wrong = 0, []
    for path, value in _leaves({k: v for k, v in expected.items() if k not in ("buyers", "sellers")}):
        total += 1
        if not _same(dict(_leaves(got)).get(path), value, path):
            wrong.append(path)
    for role in ("buyers", "sellers"):
        paired = _pair_parties(got.get(role, []), expected[role])
        for i, (mine, theirs) in enumerate(zip(paired, expected[role], strict=True)):
            for key, value in theirs.items():
                total += 1
                if mine is None or not _same(mine.get(key), value, key):
                    wrong.append(f"{role}[{i}].{key}")
        extra = len(got.get(role, [])) - sum(1 for p in paired if p is not None)
        total += extra
        wrong += [f"{role}[extra]"] * extra
    return total, wrong
