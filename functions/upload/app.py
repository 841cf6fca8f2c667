"""Upload API: uploads, process and cancel, custom profiles, team aliases, download sources. FastAPI
behind Mangum."""

from paperlane.api import aliases, profiles, sources, upload
from paperlane.api.lambda_entry import http_handler

handler = http_handler(upload.router, profiles.router, aliases.router, sources.router)
