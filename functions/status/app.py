"""Status API: jobs, batches, queue, results, documents, games, reports, health (FastAPI, Mangum)."""

from paperlane.api import documents, games, reports, status
from paperlane.api.lambda_entry import http_handler

handler = http_handler(status.router, documents.router, games.router, reports.router)
