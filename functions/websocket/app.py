"""WebSocket API: $connect, $disconnect, subscribe, unsubscribe and echo (replies via the Management API)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import NotifySettings, load
from paperlane.notify import websocket
from paperlane.observability import logger, tracer


@logger.inject_lambda_context(correlation_id_path="requestContext.connectionId", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return websocket.handle(event, websocket.websocket_service(load(NotifySettings)))
