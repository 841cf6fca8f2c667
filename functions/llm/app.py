"""LLM extraction: the profile's rules, completed by Bedrock or an OpenAI-compatible model (image)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import StoreSettings, load
from paperlane.observability import logger, tracer
from paperlane.pipeline import stages
from paperlane.pipeline.context import stores


@logger.inject_lambda_context(correlation_id_path="job_id", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = stages.FinalizeInput.model_validate(event)
    return stages.llm_extract(stores(load(StoreSettings)), request)
