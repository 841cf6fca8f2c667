"""The Lambda entry point of an API function: its routers as a FastAPI app behind Mangum."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.utilities.typing import LambdaContext
from fastapi import APIRouter
from mangum import Mangum

from paperlane.api.app import create_app
from paperlane.observability import logger, metrics, tracer

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_handler(*routers: APIRouter) -> LambdaHandler:
    asgi = Mangum(create_app(*routers), lifespan="off")

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # Mangum's context protocol and Powertools' describe the same object with different stubs.
        return asgi(event, cast(Any, context))

    return handler
