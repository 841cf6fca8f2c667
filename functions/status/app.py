"""Status API: jobs, batches, queue counts, results, documents and health. FastAPI behind Mangum."""

from paperlane.api import documents, status
from paperlane.api.lambda_entry import http_handler

handler = http_handler(status.router, documents.router)
