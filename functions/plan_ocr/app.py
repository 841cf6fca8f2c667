"""Plan OCR: the pages without a usable text layer, for the OCR Map, and whether the LLM stage runs."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import LlmSettings, StoreSettings, load
from paperlane.observability import logger, tracer
from paperlane.pipeline import stages
from paperlane.pipeline.context import stores


@logger.inject_lambda_context(correlation_id_path="job_id", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = stages.FinalizeInput.model_validate(event)
    backend = load(LlmSettings).llm_backend
    return stages.plan_ocr(stores(load(StoreSettings)), request, backend).model_dump()
