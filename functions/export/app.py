"""Export API: records as Excel, CSV or NDJSON; large exports through S3. FastAPI behind Mangum."""

from paperlane.api import export
from paperlane.api.lambda_entry import http_handler

handler = http_handler(export.router)
