"""Powertools Logger, Metrics and Tracer, created once. Configured by POWERTOOLS_* in template.yaml."""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from paperlane.pii import AADHAAR_LIKE, PAN_LIKE

# Personal data and credentials never reach a log line: Aadhaar (12 digits), PAN (AAAAA9999A), phone
# numbers, and (should one ever be passed to a logger) JWTs and Paperlane API keys.
_PII = [
    (re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*"), "[token]"),
    (re.compile(r"\bpl_[0-9a-f]{16}_[\w-]+"), "[api-key]"),
    # Anything shaped like an Aadhaar or a PAN (paperlane.pii), checksum or not: logs lose nothing by it.
    (AADHAAR_LIKE, "XXXX-XXXX-####"),
    (PAN_LIKE, "XXXXX####X"),
    (re.compile(r"(?<!\d)(?:\+91[\s-]?)?[6-9]\d{9}(?!\d)"), "##########"),
]


class PiiMaskingFormatter(LambdaPowertoolsFormatter):
    """Every log record is masked on its way out, whatever a caller put in its message or extra keys."""

    def serialize(self, log: Any) -> str:
        masked: dict[str, Any] = mask_pii(dict(log))
        return super().serialize(masked)


def mask_pii(value: Any) -> Any:
    """Mask identity and phone numbers in strings, recursively in dicts and lists."""
    if isinstance(value, str):
        for pattern, replacement in _PII:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, dict):
        return {k: mask_pii(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_pii(v) for v in value]
    return value


logger = Logger(service="paperlane", logger_formatter=PiiMaskingFormatter())
metrics = Metrics(namespace="Paperlane", service="paperlane")
tracer = Tracer(service="paperlane", disabled=None)
