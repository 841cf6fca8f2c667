"""No log line carries a password, token or API key, whatever happens during sign-in and requests."""

from __future__ import annotations

import io
import logging

from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from paperlane.observability import logger, mask_pii
from tests.auth_helpers import PASSWORD, ensure_user


def test_credentials_never_reach_the_logs(stack: LocalStack) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    previous = logger.log_level
    logger.setLevel("DEBUG")
    try:
        ensure_user(stack, "log-watcher", Role.OPERATOR)
        with TestClient(build_app(stack)) as c:
            c.post("/auth/login", json={"username": "log-watcher", "password": "wrong password 99"})
            token = c.post("/auth/login", json={"username": "log-watcher", "password": PASSWORD}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            key = c.post("/api/v1/keys", headers=headers, json={"name": "logs"}).json()["api_key"]
            c.get("/api/v1/jobs", headers={"X-API-Key": key})
            c.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token['access_token']}x"})
            c.get("/api/v1/jobs", headers={"X-API-Key": key[:-2] + "zz"})
            # Even a careless log call with a credential in it comes out masked.
            logger.info("debugging", extra={"auth": headers["Authorization"], "key": key})
    finally:
        logger._logger.removeHandler(handler)
        logger.setLevel(previous)
    logs = stream.getvalue()
    assert "debugging" in logs
    for secret in (PASSWORD, "wrong password 99", token["access_token"], token["refresh_token"], key):
        assert secret not in logs
    assert mask_pii(f"Bearer {token['access_token']}") == "Bearer [token]"
    assert mask_pii(key) == "[api-key]"
