"""What a viewer may not read whole: identity numbers in extracted records."""

from __future__ import annotations

from typing import Any

# Field names that hold identity numbers, in the profiles' output contracts.
_MASKED_FIELDS = frozenset({"aadhaar_number", "aadhaar", "pan_card_number", "pan"})


def mask_identity(value: str) -> str:
    """Keep the last four characters: enough to tell records apart, not enough to misuse."""
    digits = value.replace(" ", "")
    return "X" * max(0, len(digits) - 4) + digits[-4:]


def masked(data: Any) -> Any:
    """A copy of JSON-like data with every identity number masked."""
    if isinstance(data, dict):
        return {
            k: mask_identity(v) if k.lower() in _MASKED_FIELDS and isinstance(v, str) else masked(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [masked(v) for v in data]
    return data
