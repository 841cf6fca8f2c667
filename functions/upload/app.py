"""Upload API: multipart and presigned uploads, process and cancel. FastAPI behind Mangum."""

from paperlane.api import upload
from paperlane.api.lambda_entry import http_handler

handler = http_handler(upload.router)
