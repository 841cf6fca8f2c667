"""`paperlane users create --table` (the AWS bootstrap path) and `paperlane auth rotate-key`."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperlane.auth import keyring
from paperlane.auth.roles import Role
from paperlane.auth.tokens import TokenService
from paperlane.cli.main import main
from paperlane.config import AuthSettings
from paperlane.local.stack import LocalStack
from tests.auth_helpers import service


def test_users_create_writes_the_first_admin_to_the_table(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PAPERLANE_NEW_PASSWORD", raising=False)
    table = stack.physical_name("AuthTable")
    assert main(["users", "create", "first-admin", "--role", "admin", "--table", table]) == 0
    password = capsys.readouterr().out.strip().removeprefix("Password (shown once): ")
    assert len(password) >= 20
    pair = service(stack).login("first-admin", password)
    principal = service(stack).authenticate(f"Bearer {pair.access_token}", None)
    assert principal is not None and principal.roles == {Role.ADMIN}


def test_users_create_refuses_a_weak_chosen_password(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERLANE_NEW_PASSWORD", "weak")
    with pytest.raises(Exception, match="characters long"):
        main(["users", "create", "weakling", "--role", "viewer", "--table", stack.physical_name("AuthTable")])


def test_rotate_key_keeps_old_tokens_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = tmp_path / "jwt-keys.json"
    settings = AuthSettings.model_validate({"AUTH_TABLE": "unused", "JWT_KEYS_FILE": str(keys)})
    keyring.forget()
    before = keyring.load(settings)
    token = TokenService(before, settings).issue("olga", [Role.VIEWER], version=0, typ="access").token
    assert main(["auth", "rotate-key", "--keys-file", str(keys)]) == 0
    assert before.active in capsys.readouterr().out
    after = keyring.load(settings)
    assert after.active != before.active
    assert TokenService(after, settings).verify(token).sub == "olga"
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
