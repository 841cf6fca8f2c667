"""Status API: job status, listings, batches, queue counts, results and health. FastAPI behind Mangum."""

from typing import Any, cast

from aws_lambda_powertools.utilities.typing import LambdaContext
from mangum import Mangum

from paperlane.api import status
from paperlane.api.app import create_app
from paperlane.observability import logger, metrics, tracer

app = create_app(status.router)
_asgi = Mangum(app, lifespan="off")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Mangum's context protocol and Powertools' describe the same object with different stubs.
    return _asgi(event, cast(Any, context))
