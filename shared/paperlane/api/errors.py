"""Errors to HTTP, in one place: every error leaves as {"error": {code, message, details, timestamp}}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from paperlane import clock
from paperlane.errors import HeaderedError, PaperlaneError
from paperlane.observability import logger

_HTTP_CODES = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


def envelope(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={
            "error": {"code": code, "message": message, "details": details or {}, "timestamp": clock.iso()}
        },
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
            "problem": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(PaperlaneError)
    async def _domain(_: Request, exc: PaperlaneError) -> JSONResponse:
        response = envelope(exc.http_status, exc.code, exc.message, exc.details)
        if isinstance(exc, HeaderedError):
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        if any(d["type"] == "json_invalid" for d in details):
            return envelope(400, "INVALID_JSON", "The request body is not valid JSON.", {"errors": details})
        fields = ", ".join(sorted({d["field"] for d in details}))
        return envelope(422, "INVALID_REQUEST", f"Invalid request: check {fields}.", {"errors": details})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return envelope(exc.status_code, _HTTP_CODES.get(exc.status_code, "HTTP_ERROR"), str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("Unhandled error", extra={"error_type": type(exc).__name__})
        return envelope(500, "INTERNAL_ERROR", "Something went wrong on our side. It has been logged.")
