"""Auth API: sign-in, token refresh, the caller's profile, users and API keys. FastAPI behind Mangum."""

from paperlane.api import auth
from paperlane.api.lambda_entry import http_handler

handler = http_handler(auth.router)
