"""Fetch: the scheduled downloader. EventBridge's schedule runs every enabled source; an invocation
with {"source_id": ...} runs just that one. PDFs go to inbox/, where intake makes their jobs."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import FetchSettings, load
from paperlane.fetch.run import fetcher_for, source_ids_of
from paperlane.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    seconds_left = context.get_remaining_time_in_millis() / 1000
    runs = fetcher_for(load(FetchSettings)).run(source_ids_of(event), seconds_left=seconds_left)
    metrics.add_metric(name="DocumentsDownloaded", unit="Count", value=sum(r.files for r in runs))
    metrics.add_metric(name="SourcesFailed", unit="Count", value=sum(r.status == "error" for r in runs))
    return {"sources": [r.model_dump(mode="json", exclude={"keys"}) for r in runs]}
