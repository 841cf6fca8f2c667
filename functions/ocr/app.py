"""OCR: one scanned page to words with boxes and confidences (container image with Tesseract)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import OcrSettings, load
from paperlane.observability import logger, tracer
from paperlane.pipeline import stages
from paperlane.pipeline.context import stores


@logger.inject_lambda_context(correlation_id_path="job_id", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load(OcrSettings)
    return stages.ocr_page(stores(settings), settings, stages.OcrPageInput.model_validate(event)).model_dump()
