"""`paperlane users create` and `paperlane auth rotate-key`: bootstrap and key rotation.

On AWS, the first admin is written straight into the auth table with your AWS credentials
(``--table``, the stack's ``AuthTableName`` output). Against a running ``paperlane serve`` (whose
moto state lives in that process) users are created through the API (``--api``) with an admin's
token or API key.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from paperlane.auth import passwords

# Names of environment variables, not secrets.
TOKEN_ENV = "PAPERLANE_TOKEN"  # noqa: S105
API_KEY_ENV = "PAPERLANE_API_KEY"
NEW_PASSWORD_ENV = "PAPERLANE_NEW_PASSWORD"  # noqa: S105


def new_password(from_stdin: bool) -> tuple[str, bool]:
    """(the password, whether it was generated and must be shown)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    given = os.environ.get(NEW_PASSWORD_ENV)
    if given:
        return given, False
    return passwords.generate_password(), True


def create_user(
    username: str,
    roles: list[str],
    *,
    email: str | None,
    table: str | None,
    api: str | None,
    password_stdin: bool,
) -> int:
    from paperlane.auth.models import NewUser

    password, generated = new_password(password_stdin)
    new = NewUser.model_validate({"username": username, "password": password, "roles": roles, "email": email})
    if table:
        from paperlane import aws
        from paperlane.auth.service import AuthService
        from paperlane.storage.auth import AuthRepository

        # Creating a user needs neither signing keys nor settings beyond the table.
        repo = AuthRepository(aws.dynamodb(), table)
        AuthService.create_user_in(repo, new)
    else:
        _create_over_api(api or "http://127.0.0.1:8000", new.model_dump(mode="json"))
    print(f"Created user {username} ({', '.join(roles)})", file=sys.stderr)
    if generated:
        print(f"Password (shown once): {password}")
    return 0


def _create_over_api(api: str, body: dict[str, object]) -> None:
    import httpx

    headers = {}
    if os.environ.get(TOKEN_ENV):
        headers["Authorization"] = f"Bearer {os.environ[TOKEN_ENV]}"
    elif os.environ.get(API_KEY_ENV):
        headers["X-API-Key"] = os.environ[API_KEY_ENV]
    else:
        raise SystemExit(
            f"Set {TOKEN_ENV} (an admin's access token from POST /auth/login) or {API_KEY_ENV} "
            "to create users through the API, or pass --table to write to the AWS auth table."
        )
    r = httpx.post(f"{api.rstrip('/')}/api/v1/users", json=body, headers=headers, timeout=30)
    if r.status_code != 201:
        raise SystemExit(f"The API refused: {r.status_code} {r.text}")


def rotate_key(*, secret_id: str | None, keys_file: Path | None) -> int:
    from paperlane.auth import keyring
    from paperlane.config import AuthSettings
    from paperlane.local.stack import local_home

    env: dict[str, str] = {"AUTH_TABLE": "unused"}
    if secret_id:
        env["JWT_SECRET_ARN"] = secret_id
    else:
        env["JWT_KEYS_FILE"] = str(keys_file or local_home() / "jwt-keys.json")
    grace = os.environ.get("JWT_KEY_GRACE_SECONDS")
    if grace:
        env["JWT_KEY_GRACE_SECONDS"] = grace
    ring = keyring.rotate(AuthSettings.model_validate(env))
    retired = [k.kid for k in ring.keys if k.retired_at]
    print(f"Active key: {ring.active}; still accepted while in grace: {', '.join(retired) or 'none'}")
    return 0
