"""Export worker: one asynchronous export ({"export_id"}, from POST /api/v1/exports), streamed to
exports/<export_id>/ in the documents bucket with its outcome in status.json. Invoked asynchronously."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.config import ExportSettings, load
from paperlane.export.jobs import run_worker
from paperlane.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    done = run_worker(load(ExportSettings), str(event["export_id"]))
    metrics.add_metric(name="ExportRows", unit="Count", value=done.rows)
    return {"export_id": done.export_id, "status": done.status, "rows": done.rows}
