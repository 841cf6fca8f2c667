"""Deliver: SQS batch of webhook deliveries -> signed POSTs, retries with backoff. Partial batch failures."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import NotifySettings, load
from paperlane.notify.delivery import deliverer_for, from_message
from paperlane.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    outcome = deliverer_for(load(NotifySettings)).deliver(from_message(record.body))
    metrics.add_metric(name=f"Webhook_{outcome.value}", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
