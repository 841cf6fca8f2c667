"""Upload API: uploads, process and cancel, and custom profiles. FastAPI behind Mangum."""

from paperlane.api import profiles, upload
from paperlane.api.lambda_entry import http_handler

handler = http_handler(upload.router, profiles.router)
