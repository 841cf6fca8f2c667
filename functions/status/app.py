"""Status API: jobs, batches, queue counts, results, documents, games and health (FastAPI, Mangum)."""

from paperlane.api import documents, games, status
from paperlane.api.lambda_entry import http_handler

handler = http_handler(status.router, documents.router, games.router)
