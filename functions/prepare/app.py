"""Prepare: validate the PDF, decrypt or repair it, and write the chunk manifest."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import PipelineSettings, load
from paperlane.observability import logger, tracer
from paperlane.pipeline import stages
from paperlane.pipeline.context import stores


@logger.inject_lambda_context(correlation_id_path="job_id", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load(PipelineSettings)
    return stages.prepare(stores(settings), settings, event["job_id"]).model_dump()
