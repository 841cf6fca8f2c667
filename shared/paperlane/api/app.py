"""Build a FastAPI app from routers. Each Lambda mounts its own; the local stack mounts them all."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, FastAPI

from paperlane import __version__
from paperlane.api import errors

DESCRIPTION = """Paperlane turns PDFs into structured data.

Upload PDFs (`POST /api/v1/upload`, or `POST /api/v1/uploads` for large files), follow their jobs
(`GET /api/v1/process/status/{job_id}`), and read results (`GET /api/v1/jobs/{job_id}/result`).
Every error is `{"error": {"code", "message", "details", "timestamp"}}`.
"""


def create_app(
    *routers: APIRouter, environment: Mapping[str, str] | None = None, docs: bool = False
) -> FastAPI:
    app = FastAPI(
        title="Paperlane API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.environment = dict(environment) if environment is not None else None
    errors.install(app)
    for router in routers:
        app.include_router(router)
    return app
