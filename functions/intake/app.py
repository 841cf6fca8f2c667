"""Intake: SQS batch of S3 "Object Created" events -> jobs and executions. Partial batch failures."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import PipelineSettings, load
from paperlane.observability import logger, metrics, tracer
from paperlane.pipeline import intake
from paperlane.pipeline.context import stores

processor = BatchProcessor(event_type=EventType.SQS)


def _record(record: SQSRecord) -> None:
    settings = load(PipelineSettings)
    job = intake.accept(stores(settings), settings, intake.S3ObjectCreated.from_eventbridge(record.json_body))
    if job is not None:
        metrics.add_metric(name="DocumentsAccepted", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
