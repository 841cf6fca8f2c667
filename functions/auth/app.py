"""Auth API: sign-in, tokens, the caller's profile, users, API keys and webhooks. FastAPI behind Mangum."""

from paperlane.api import auth, webhooks
from paperlane.api.lambda_entry import http_handler

handler = http_handler(auth.router, webhooks.router)
