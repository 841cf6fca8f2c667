"""Build a FastAPI app from routers. Each Lambda mounts its own; the local stack mounts them all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

from paperlane import __version__
from paperlane.api import errors
from paperlane.api.schemas import ErrorEnvelope
from paperlane.api.security import QUOTA_STATE, authorize
from paperlane.auth.ratelimit import FixedWindowLimiter

DESCRIPTION = """Paperlane turns PDFs into structured data.

Sign in with `POST /auth/login` and send `Authorization: Bearer <access_token>`, or send an API key
as `X-API-Key`. Upload PDFs (`POST /api/v1/upload`, or `POST /api/v1/uploads` for large files),
follow their jobs (`GET /api/v1/process/status/{job_id}`), and read results
(`GET /api/v1/jobs/{job_id}/result`).
Every error is `{"error": {"code", "message", "details", "timestamp"}}`.
"""


# Documented on every route: errors all share one envelope (paperlane.api.errors).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in (
        (400, "Invalid request or JSON"),
        (401, "Missing, expired or invalid credential"),
        (403, "Your roles do not allow this"),
        (404, "Not found"),
        (409, "Conflict with the job's state"),
        (413, "Too large"),
        (422, "Invalid parameters"),
        (429, "Too many requests (see Retry-After)"),
        (500, "Internal error"),
    )
}


def create_app(
    *routers: APIRouter, environment: Mapping[str, str] | None = None, docs: bool = False
) -> FastAPI:
    app = FastAPI(
        title="Paperlane API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    if docs:
        _serve_docs(app)
    app.state.environment = dict(environment) if environment is not None else None
    app.state.limiter = FixedWindowLimiter()
    errors.install(app)
    app.middleware("http")(_rate_limit_headers)
    for router in routers:
        # Every route passes the door: credential, permission (paperlane.auth.policy), rate limit.
        app.include_router(router, responses=ERROR_RESPONSES, dependencies=[Depends(authorize)])
    return app


async def _rate_limit_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    response = await call_next(request)
    quota = getattr(request.state, QUOTA_STATE, None)
    if quota is not None:
        for name, value in quota.headers().items():
            response.headers.setdefault(name, value)
    return response


def _serve_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from files on this machine: FastAPI's default loads it from a CDN, which an
    offline machine cannot reach (a blank page)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    # The packaged Swagger UI (4.x) refuses documents labelled 3.1; FastAPI's schema renders fine as 3.0.
    app.openapi_version = "3.0.3"

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Paperlane API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )
