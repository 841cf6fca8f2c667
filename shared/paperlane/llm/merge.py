"""Merging: chunk results into one record, and a rules record with an LLM record.

Rules and LLM (``merge``). Fields are addressed by dotted paths ("price", "property.area"); nested
objects are merged field by field and lists are single values. For each field:

1. a rules value that passed validation (``rules_meta[path]["validated"]``) always wins: the LLM never
   overrides a value a validator proves correct. When the LLM read something else the field's meta
   says ``"conflict": true``, for review;
2. an empty rules field (missing, null, "", [] or {}) is filled from the LLM: ``source: "llm"``,
   ``confidence: 0.7``, and ``validated`` from the same validator when one is given. An LLM value the
   validator rejects is still filled in, with ``validated: false`` and half the confidence (0.35);
3. when both have a value, the rules value failed validation (or was not validated) and the LLM value
   passes the validator, the LLM value wins (``"replaced": "rules"`` in its meta);
4. otherwise the rules value stays, with its own meta (``"conflict": true`` when the LLM disagreed).

Chunks (``merge_chunk_results``). A long document is extracted chunk by chunk; results merge in
document order. A field the earlier chunks left empty is filled by a later chunk; a field already set
stays. Lists are concatenated without duplicates: items with the same key (``ExtractionTask.list_keys``,
values compared case- and space-insensitively) are one item, the later copy filling the earlier one's
empty fields; lists with no key configured de-duplicate on the whole item.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

# (path, value) -> True: passes; False: fails; None: no validator for this field.
FieldValidator = Callable[[str, Any], bool | None]
FieldMeta = dict[str, Any]

LLM_CONFIDENCE = 0.7


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if not is_empty(v)}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def same_value(a: Any, b: Any) -> bool:
    """Equal once case and spacing are ignored (and integral floats equal their integers)."""
    return bool(_norm(a) == _norm(b))


# --- Rules and LLM --------------------------------------------------------------------------------


def merge(
    rules: Mapping[str, Any],
    rules_meta: Mapping[str, Mapping[str, Any]],
    llm: Mapping[str, Any],
    *,
    validator: FieldValidator | None = None,
    llm_confidence: float = LLM_CONFIDENCE,
) -> tuple[dict[str, Any], dict[str, FieldMeta]]:
    """Merge a rules record and an LLM record under the policy in the module docstring.

    Returns the merged record and its meta: ``{path: {source, confidence, validated, ...}}`` for every
    field that has one (the rules meta, updated where the LLM supplied the value).
    """
    meta: dict[str, FieldMeta] = {path: dict(m) for path, m in rules_meta.items()}
    merged = _merge_level(rules, llm, "", rules_meta, meta, validator, llm_confidence)
    return merged, meta


def _merge_level(
    rules: Mapping[str, Any],
    llm: Mapping[str, Any],
    prefix: str,
    rules_meta: Mapping[str, Mapping[str, Any]],
    meta: dict[str, FieldMeta],
    validator: FieldValidator | None,
    confidence: float,
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in [*rules, *(k for k in llm if k not in rules)]:
        path = f"{prefix}{key}"
        r, l_value = rules.get(key), llm.get(key)
        if path not in rules_meta and isinstance(l_value, dict) and (isinstance(r, dict) or is_empty(r)):
            merged[key] = _merge_level(
                r if isinstance(r, dict) else {}, l_value, f"{path}.", rules_meta, meta, validator, confidence
            )
            continue
        merged[key] = _merge_field(path, key in rules, r, l_value, rules_meta, meta, validator, confidence)
    return merged


def _merge_field(
    path: str,
    in_rules: bool,
    r: Any,
    l_value: Any,
    rules_meta: Mapping[str, Mapping[str, Any]],
    meta: dict[str, FieldMeta],
    validator: FieldValidator | None,
    confidence: float,
) -> Any:
    rules_validated = bool(rules_meta.get(path, {}).get("validated", False))
    if is_empty(l_value):
        return r if in_rules else l_value
    if not is_empty(r) and rules_validated:
        _flag_conflict(path, r, l_value, meta)
        return r
    verdict = validator(path, l_value) if validator is not None else None
    if is_empty(r):
        _take_llm(path, meta, confidence if verdict is not False else confidence / 2, verdict is True)
        return copy.deepcopy(l_value)
    if verdict is True:
        _take_llm(path, meta, confidence, True)
        meta[path]["replaced"] = "rules"
        return copy.deepcopy(l_value)
    _flag_conflict(path, r, l_value, meta)
    return r


def _take_llm(path: str, meta: dict[str, FieldMeta], confidence: float, validated: bool) -> None:
    for stale in [p for p in meta if p.startswith(f"{path}.")]:
        del meta[stale]
    meta[path] = {"source": "llm", "confidence": round(confidence, 3), "validated": validated}


def _flag_conflict(path: str, r: Any, l_value: Any, meta: dict[str, FieldMeta]) -> None:
    if not same_value(r, l_value):
        meta.setdefault(path, {"source": "rules", "confidence": None, "validated": False})["conflict"] = True


# --- Chunks ---------------------------------------------------------------------------------------


def merge_chunk_results(
    results: Sequence[Mapping[str, Any]], list_keys: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """One record from per-chunk records, in document order (policy in the module docstring)."""
    keys = dict(list_keys or {})
    merged: dict[str, Any] = {}
    for result in results:
        _fill(merged, result, "", keys)
    return merged


def _fill(
    target: dict[str, Any], source: Mapping[str, Any], prefix: str, keys: Mapping[str, Sequence[str]]
) -> None:
    for key, value in source.items():
        path = f"{prefix}{key}"
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _fill(current, value, f"{path}.", keys)
        elif isinstance(current, list) and isinstance(value, list):
            target[key] = merge_lists(current, value, keys.get(path), f"{path}.", keys)
        elif key not in target or is_empty(current):
            target[key] = copy.deepcopy(value)
            if isinstance(value, list):
                target[key] = merge_lists([], target[key], keys.get(path), f"{path}.", keys)


def _item_key(item: Any, key_fields: Sequence[str] | None) -> str:
    if key_fields and isinstance(item, dict):
        values = [_norm(item.get(f)) for f in key_fields]
        if not all(is_empty(v) for v in values):
            return "k:" + json.dumps(values, sort_keys=True, default=str)
    return "w:" + json.dumps(_norm(item), sort_keys=True, default=str)


def merge_lists(
    first: list[Any],
    second: list[Any],
    key_fields: Sequence[str] | None,
    prefix: str = "",
    keys: Mapping[str, Sequence[str]] | None = None,
) -> list[Any]:
    """``first`` then the items of ``second`` not already there; duplicates fill the kept item."""
    out: list[Any] = []
    seen: dict[str, Any] = {}
    for item in [*first, *second]:
        if is_empty(item):
            continue
        k = _item_key(item, key_fields)
        if k in seen:
            kept = seen[k]
            if isinstance(kept, dict) and isinstance(item, dict):
                _fill(kept, item, prefix, keys or {})
            continue
        kept = copy.deepcopy(item)
        seen[k] = kept
        out.append(kept)
    return out
