"""Status API: job status, listings, batches, queue counts, results and health. FastAPI behind Mangum."""

from paperlane.api import status
from paperlane.api.lambda_entry import http_handler

handler = http_handler(status.router)
