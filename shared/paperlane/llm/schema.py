"""What to extract (an ``ExtractionTask``) and how model output is checked against it.

Prompts and schemas belong to profiles; this module only carries them. Output is checked in three
steps, and the first failure rejects it (the extractor then retries with the error fed back):

1. the JSON schema, with the dependency-free subset below (the Lambda layers carry no ``jsonschema``);
2. the task's pydantic model, when it has one (its ``model_dump(mode="json")`` becomes the output);
3. the task's validator callable, when it has one (raise ``ValueError`` to reject; return a dict to
   replace the output, or None to keep it).

The JSON-schema subset: ``type`` (one or a list), ``enum``, ``const``, ``properties``, ``required``,
``additionalProperties`` (bool or schema), ``items``, ``minItems``/``maxItems``,
``minLength``/``maxLength``, ``pattern``, ``minimum``/``maximum``, ``anyOf``/``oneOf`` (both read as
"at least one"), ``allOf`` and local ``$ref`` (``#/$defs/...``, as pydantic's ``model_json_schema()``
writes them). Other keywords (``format``, ``description``...) are accepted and not checked.

Error messages name the path and the rule broken, never the value: they are fed back to the model and
may reach logs and job records, and values are document text (personal data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_MAX_ERRORS = 10

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class OutputRejected(ValueError):
    """Model output that is not JSON, or not valid for the task. The message is safe to log."""


@dataclass(frozen=True)
class Example:
    """A few-shot example: a piece of document text and the output expected for it."""

    text: str
    output: Mapping[str, Any]


@dataclass(frozen=True)
class ExtractionTask:
    """What a profile asks of the model. The library adds no domain knowledge of its own."""

    instructions: str
    json_schema: Mapping[str, Any]
    model: type[BaseModel] | None = None
    validator: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None
    examples: Sequence[Example] = ()
    # The tool (Bedrock) or schema (OpenAI) name the model sees.
    name: str = "extract"
    # How chunk results merge their lists: list path ("parties", "deed.buyers") -> item key fields.
    # Items with equal keys (compared case- and space-insensitively) are one item; lists not named
    # here de-duplicate on the whole item.
    list_keys: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _TOOL_NAME.match(self.name):
            raise ValueError("task name must match [a-zA-Z0-9_-]{1,64}")
        problems = schema_problems(self.json_schema)
        if problems:
            raise ValueError(f"invalid JSON schema: {'; '.join(problems)}")

    def check(self, value: Any) -> dict[str, Any]:
        """The validated output, or ``OutputRejected`` saying what is wrong."""
        if not isinstance(value, dict):
            raise OutputRejected(f"the answer must be a JSON object, not {_json_type(value)}")
        errors = validate_instance(self.json_schema, value)
        if errors:
            raise OutputRejected("; ".join(errors))
        data: dict[str, Any] = value
        if self.model is not None:
            try:
                data = self.model.model_validate(data).model_dump(mode="json")
            except ValidationError as exc:
                raise OutputRejected(_pydantic_errors(exc)) from None
        if self.validator is not None:
            try:
                replaced = self.validator(data)
            except ValidationError as exc:
                raise OutputRejected(_pydantic_errors(exc)) from None
            except ValueError as exc:
                raise OutputRejected(str(exc) or type(exc).__name__) from None
            if replaced is not None:
                data = replaced
        return data


def _pydantic_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False)[:_MAX_ERRORS]:
        loc = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def _json_type(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return name
    return type(value).__name__


def validate_instance(schema: Mapping[str, Any], value: Any) -> list[str]:
    """Errors of ``value`` against ``schema`` (the subset in the module docstring); [] when valid."""
    errors: list[str] = []
    _check(schema, value, "$", schema, errors)
    return errors[:_MAX_ERRORS]


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref is supported: {ref}")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise ValueError(f"unresolvable $ref: {ref}")
        node = node[part]
    if not isinstance(node, Mapping):
        raise ValueError(f"$ref does not point to a schema: {ref}")
    return node


def _check(
    schema: Mapping[str, Any] | bool, value: Any, path: str, root: Mapping[str, Any], errors: list[str]
) -> None:
    if len(errors) >= _MAX_ERRORS or schema is True:
        return
    if schema is False:
        errors.append(f"{path}: not allowed")
        return
    if "$ref" in schema:
        _check(_resolve(str(schema["$ref"]), root), value, path, root, errors)
    for sub in schema.get("allOf", ()):
        _check(sub, value, path, root, errors)
    for keyword in ("anyOf", "oneOf"):
        options = schema.get(keyword)
        if options:
            trials = [validate_instance_in(option, value, path, root) for option in options]
            if all(trials):
                best = min(trials, key=len)
                errors.extend(best)
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        if not any(_TYPES.get(t, lambda _v: False)(value) for t in allowed):
            errors.append(f"{path}: expected {' or '.join(allowed)}, got {_json_type(value)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: must be one of {list(schema['enum'])}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: must be {schema['const']!r}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: does not match the pattern {schema['pattern']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: less than {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: more than {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                _check(schema["items"], item, f"{path}[{i}]", root, errors)
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                errors.append(f"{path}: '{name}' is required")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                _check(properties[name], item, f"{path}.{name}", root, errors)
            elif extra is False:
                errors.append(f"{path}: unexpected property '{name}'")
            elif isinstance(extra, Mapping):
                _check(extra, item, f"{path}.{name}", root, errors)


def validate_instance_in(
    schema: Mapping[str, Any], value: Any, path: str, root: Mapping[str, Any]
) -> list[str]:
    errors: list[str] = []
    _check(schema, value, path, root, errors)
    return errors


def schema_problems(schema: Any, *, max_depth: int = 12) -> list[str]:
    """Why ``schema`` cannot serve as an extraction schema: [] when it can.

    It must be an object schema with properties; every subschema must be an object (or a boolean), use
    known types, compile its patterns and resolve its ``$ref``.
    """
    if not isinstance(schema, Mapping):
        return ["the schema must be a JSON object"]
    problems: list[str] = []
    if schema.get("type") != "object":
        problems.append('the schema\'s "type" must be "object"')
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        problems.append('the schema must have non-empty "properties"')
    _walk(schema, "$", schema, 0, max_depth, problems)
    return problems[:_MAX_ERRORS]


def _walk(
    node: Any, path: str, root: Mapping[str, Any], depth: int, max_depth: int, problems: list[str]
) -> None:
    if isinstance(node, bool):
        return
    if not isinstance(node, Mapping):
        problems.append(f"{path}: a schema must be an object")
        return
    if depth > max_depth:
        problems.append(f"{path}: nested deeper than {max_depth} levels")
        return
    types = node.get("type")
    if types is not None:
        listed = [types] if isinstance(types, str) else types
        if not isinstance(listed, list) or not all(isinstance(t, str) and t in _TYPES for t in listed):
            problems.append(f"{path}: unknown type {types!r}")
    if "pattern" in node:
        try:
            re.compile(str(node["pattern"]))
        except re.error:
            problems.append(f"{path}: the pattern does not compile")
    if "$ref" in node:
        try:
            _resolve(str(node["$ref"]), root)
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
    if "required" in node and not (
        isinstance(node["required"], list) and all(isinstance(r, str) for r in node["required"])
    ):
        problems.append(f"{path}: required must be a list of names")
    for key in ("properties", "$defs", "definitions"):
        children = node.get(key)
        if children is not None:
            if not isinstance(children, Mapping):
                problems.append(f"{path}.{key}: must be an object")
                continue
            for name, child in children.items():
                _walk(child, f"{path}.{name}", root, depth + 1, max_depth, problems)
    for key in ("items", "additionalProperties"):
        if key in node:
            _walk(
                node[key],
                f"{path}[]" if key == "items" else f"{path}.*",
                root,
                depth + 1,
                max_depth,
                problems,
            )
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = node[key]
            if not isinstance(options, list) or not options:
                problems.append(f"{path}: {key} must be a non-empty list")
                continue
            for option in options:
                _walk(option, path, root, depth + 1, max_depth, problems)
