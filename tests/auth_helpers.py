"""Users and signed-in clients for tests, created through the real AuthService on the local stack."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi.testclient import TestClient

from paperlane.auth.factory import auth_service
from paperlane.auth.models import NewUser
from paperlane.auth.roles import Role
from paperlane.auth.service import AuthService
from paperlane.config import AuthSettings
from paperlane.errors import Conflict
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack

PASSWORD = "test password 1234"


def service(stack: LocalStack) -> AuthService:
    return auth_service(AuthSettings.model_validate(stack.api_environment()))


def ensure_user(stack: LocalStack, username: str, *roles: Role, password: str = PASSWORD) -> None:
    with contextlib.suppress(Conflict):  # made by an earlier test of this session
        service(stack).create_user(NewUser(username=username, password=password, roles=list(roles)))


def token(stack: LocalStack, username: str, *roles: Role) -> str:
    """An access token for ``username`` (created with ``roles`` if new), obtained by signing in."""
    ensure_user(stack, username, *roles)
    return service(stack).login(username, PASSWORD).access_token


def bearer(stack: LocalStack, username: str, *roles: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(stack, username, *roles)}"}


def signed_in_client(stack: LocalStack, username: str, *roles: Role, **kwargs: Any) -> TestClient:
    return TestClient(build_app(stack), headers=bearer(stack, username, *roles), **kwargs)
