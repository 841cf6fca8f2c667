"""`paperlane serve`: the local stack, the whole API on one port, an S3 endpoint and the drop folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from paperlane.api import (
    aliases,
    auth,
    documents,
    export,
    games,
    profiles,
    reports,
    sources,
    status,
    upload,
    webhooks,
)
from paperlane.api.app import create_app
from paperlane.auth.factory import auth_service
from paperlane.config import AuthSettings, PipelineSettings
from paperlane.local.inbox import InboxMirror
from paperlane.local.live import mount_live
from paperlane.local.schedules import Scheduler
from paperlane.local.stack import LocalStack
from paperlane.pipeline.context import stores


def build_app(stack: LocalStack) -> FastAPI:
    """Every API router on one app, with the API functions' environment from template.yaml."""
    app = create_app(
        auth.router,
        upload.router,
        status.router,
        documents.router,
        games.router,
        aliases.router,
        reports.router,
        profiles.router,
        export.router,
        webhooks.router,
        sources.router,
        environment=stack.api_environment(),
        docs=True,
    )
    mount_live(app, stack.function_environment("WebSocketFunction"), stack.api_environment())
    return app


@dataclass
class LocalServices:
    stack: LocalStack
    app: FastAPI
    s3_endpoint: str
    inbox: InboxMirror | None
    # The first admin's name, and its password when it was generated (printed once, never stored).
    admin: str
    admin_password: str | None


@contextmanager
def local_services(
    *,
    host: str = "127.0.0.1",
    s3_port: int = 0,
    inbox: Path | None = None,
    parameters: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> Iterator[LocalServices]:
    """Start moto with template.yaml (and its HTTP endpoint for presigned POSTs) and the drop folder."""
    stack = LocalStack(parameters=parameters, host=host, endpoint_port=s3_port, overrides=overrides)
    stack.start()
    mirror = None
    # moto keeps EventBridge schedules without firing them: the scheduled downloader runs from here.
    scheduler = Scheduler(stack.schedules).start()
    try:
        if inbox is not None:
            settings = PipelineSettings.model_validate(stack.api_environment())
            mirror = InboxMirror(inbox, stores(settings).documents).start()
        admin, password = bootstrap_admin(stack)
        yield LocalServices(
            stack=stack,
            app=build_app(stack),
            s3_endpoint=stack.endpoint,
            inbox=mirror,
            admin=admin,
            admin_password=password,
        )
    finally:
        scheduler.stop()
        if mirror:
            mirror.stop()
        stack.stop()


def bootstrap_admin(stack: LocalStack) -> tuple[str, str | None]:
    """Create the first admin: PAPERLANE_ADMIN_USERNAME (default ``admin``) with the password in
    PAPERLANE_ADMIN_PASSWORD, or a generated one returned to print once. No default password exists."""
    username = os.environ.get("PAPERLANE_ADMIN_USERNAME", "admin").strip().lower()
    settings = AuthSettings.model_validate(stack.api_environment())
    generated = auth_service(settings).bootstrap_admin(
        username, os.environ.get("PAPERLANE_ADMIN_PASSWORD") or None
    )
    return username, generated
