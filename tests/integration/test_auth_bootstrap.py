"""The first admin of `paperlane serve` (paperlane.local.server.bootstrap_admin): from the variables, or
a generated password returned once; never a default password."""

from __future__ import annotations

import uuid

import pytest

from paperlane.auth.roles import Role
from paperlane.errors import Unauthorized
from paperlane.local.server import bootstrap_admin
from paperlane.local.stack import LocalStack
from tests.auth_helpers import service


def _admin_name(monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"boss-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PAPERLANE_ADMIN_USERNAME", name.upper())  # names are lower-cased
    return name


def test_without_a_password_one_is_generated_returned_once_and_works(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _admin_name(monkeypatch)
    monkeypatch.delenv("PAPERLANE_ADMIN_PASSWORD", raising=False)
    created, password = bootstrap_admin(stack)
    assert created == name and password is not None and len(password) >= 20
    principal = service(stack).authenticate(
        f"Bearer {service(stack).login(name, password).access_token}", None
    )
    assert principal is not None and principal.roles == {Role.ADMIN}
    # The same user store on a later start: the admin exists, nothing new to print, password unchanged.
    assert bootstrap_admin(stack) == (name, None)
    service(stack).login(name, password)


def test_generated_passwords_differ_and_no_default_password_signs_in(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPERLANE_ADMIN_PASSWORD", raising=False)
    first_name = _admin_name(monkeypatch)
    _, first = bootstrap_admin(stack)
    second_name = _admin_name(monkeypatch)
    _, second = bootstrap_admin(stack)
    assert first and second and first != second
    for name in (first_name, second_name):
        for guess in ("admin", "password", "changeme", name, ""):
            with pytest.raises(Unauthorized):
                service(stack).login(name, guess)


def test_a_chosen_password_is_used_and_never_echoed(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _admin_name(monkeypatch)
    monkeypatch.setenv("PAPERLANE_ADMIN_PASSWORD", "chosen admin password 7")
    assert bootstrap_admin(stack) == (name, None)
    service(stack).login(name, "chosen admin password 7")


def test_the_default_name_is_admin(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERLANE_ADMIN_USERNAME", raising=False)
    monkeypatch.setenv("PAPERLANE_ADMIN_PASSWORD", "default name password 9")
    name, _ = bootstrap_admin(stack)
    assert name == "admin" and service(stack).get_user("admin").roles == [Role.ADMIN]
