"""Notify: the jobs table's stream -> WebSocket subscribers and webhook deliveries, in order per job."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import NotifySettings, load
from paperlane.notify import stream
from paperlane.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Stops at the first failing record and reports it (ReportBatchItemFailures): order is kept.
    return stream.process(event, stream.notifier_for(load(NotifySettings)))
