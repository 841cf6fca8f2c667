"""An AuthService wired to its table and key ring, from settings."""

from __future__ import annotations

from paperlane import aws
from paperlane.auth import keyring
from paperlane.auth.service import AuthService
from paperlane.config import AuthSettings
from paperlane.storage.auth import AuthRepository


def auth_service(settings: AuthSettings) -> AuthService:
    repo = AuthRepository(aws.dynamodb(), settings.auth_table)
    return AuthService(repo, keyring.load(settings), settings)
