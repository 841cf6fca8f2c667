"""API Gateway's gateway responses as template.yaml declares them, and their templates rendered the
way API Gateway renders them: each $context variable replaced by its value as it is (no VTL, no
escaping). ``$context.error.messageString`` is the only one API Gateway quotes itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from paperlane.local.template import load_template

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"
VARIABLE = re.compile(r"\$context\.([A-Za-z.]+[A-Za-z])")


def gateway_responses() -> dict[str, dict[str, Any]]:
    api = load_template(TEMPLATE)["Resources"]["PaperlaneApi"]["Properties"]
    responses: dict[str, dict[str, Any]] = api["GatewayResponses"]
    return responses


def render(template: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return VARIABLE.sub(value, template)
