"""Domain errors. Each carries a stable ``code`` that clients may rely on.

The class name doubles as the Step Functions error name (Lambda reports the exception's class as
``errorType``), so ``Retry``/``Catch`` in the state machine match on these names. Do not rename them
lightly: ``statemachine/pipeline.asl.json`` refers to them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PaperlaneError(Exception):
    """Base of every error the domain raises on purpose."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


# --- Document errors: the file itself is the problem. Never retried. -------------------------------


class DocumentError(PaperlaneError):
    """The document cannot be processed as given; re-running will not help."""

    http_status = 422


class NotPdf(DocumentError):
    code = "NOT_PDF"


class EmptyFile(DocumentError):
    code = "EMPTY_FILE"


class PdfCorrupt(DocumentError):
    code = "PDF_CORRUPT"


class PdfEncrypted(DocumentError):
    code = "PDF_ENCRYPTED"


class TooLarge(DocumentError):
    code = "TOO_LARGE"
    http_status = 413


class TooManyPages(DocumentError):
    code = "TOO_MANY_PAGES"


class OcrUnavailable(DocumentError):
    code = "OCR_UNAVAILABLE"


class ExtractionFailed(DocumentError):
    code = "EXTRACTION_FAILED"


# --- Request and state errors (API) ---------------------------------------------------------------


class InvalidRequest(PaperlaneError):
    code = "INVALID_REQUEST"
    http_status = 400


class NotFound(PaperlaneError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(PaperlaneError):
    code = "CONFLICT"
    http_status = 409


# --- Who is calling (API) -----------------------------------------------------------------------------


class HeaderedError(PaperlaneError):
    """An API error that carries response headers (WWW-Authenticate, Retry-After...)."""

    def __init__(
        self, message: str, *, details: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.headers = headers or {}


class Unauthorized(HeaderedError):
    """No credential, or one that is expired, tampered with or revoked."""

    code = "UNAUTHORIZED"
    http_status = 401


class AccountLocked(Unauthorized):
    code = "ACCOUNT_LOCKED"


class Forbidden(PaperlaneError):
    """A valid credential whose roles do not grant the route's permission."""

    code = "FORBIDDEN"
    http_status = 403


class RateLimited(HeaderedError):
    code = "RATE_LIMITED"
    http_status = 429


# --- Infrastructure errors: worth a retry. -----------------------------------------------------------


class TransientError(PaperlaneError):
    """Throttling or a passing fault of a dependency. The state machine retries these."""

    code = "TRANSIENT_ERROR"
    http_status = 503


def _subclasses(cls: type[PaperlaneError]) -> list[type[PaperlaneError]]:
    found: list[type[PaperlaneError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def code_for_error_name(name: str) -> str:
    """Map an exception class name (a Step Functions error name) to its stable code."""
    for cls in _subclasses(PaperlaneError):
        if cls.__name__ == name:
            return cls.code
    return _RUNTIME_ERRORS.get(name, PaperlaneError.code)


# Errors the platform raises rather than our code: a step past its time limit, a crashed process.
_RUNTIME_ERRORS = {
    "States.Timeout": "TIMEOUT",
    "Sandbox.Timedout": "TIMEOUT",
    "Runtime.ExitError": "PROCESS_CRASHED",
}


# --- LLM extraction (paperlane.llm) ------------------------------------------------------------------


class ModelUnavailable(TransientError):
    """The LLM backend is throttling or failing (retries spent, or its circuit breaker is open).

    Transient on purpose: the state machine waits and retries the step instead of failing the document.
    """

    code = "MODEL_UNAVAILABLE"


class LlmNotConfigured(PaperlaneError):
    """An LLM profile ran where no LLM backend is configured (``LLM_BACKEND=none``, the local default),
    or the configured backend lacks a setting it needs (model id, base URL, API key)."""

    code = "LLM_NOT_CONFIGURED"
    http_status = 501


class LlmRequestRejected(PaperlaneError):
    """The LLM backend refused the request for a reason a retry will not fix: access denied, unknown
    model, a request it cannot accept. Details carry the backend's error code, never document text."""

    code = "LLM_REQUEST_REJECTED"
    http_status = 502
