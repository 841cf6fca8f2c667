"""Whose work a principal sees, and the principal as the authorizer passes it to the handlers."""

from __future__ import annotations

import pytest

from paperlane.auth.roles import Principal, Role


def _p(*roles: Role, reads_for: str | None = None) -> Principal:
    return Principal(username="vic", roles=frozenset(roles), reads_for=reads_for)


@pytest.mark.parametrize(
    ("principal", "scope"),
    [
        (_p(Role.ADMIN), None),
        (_p(Role.ADMIN, Role.VIEWER, reads_for="alice"), None),
        (_p(Role.OPERATOR), "vic"),
        (_p(Role.VIEWER), "vic"),
        (_p(Role.VIEWER, reads_for="alice"), "alice"),
        # reads_for is for viewer-only users; with another role it is ignored (the API refuses to set it).
        (_p(Role.OPERATOR, Role.VIEWER, reads_for="alice"), "vic"),
    ],
)
def test_the_owner_a_principal_reads(principal: Principal, scope: str | None) -> None:
    assert principal.owner_scope == scope
    assert principal.sees_all_jobs() is (scope is None)
    assert principal.may_read("alice") is (scope in (None, "alice"))
    # Jobs from the drop folder have no owner: only admins see them.
    assert principal.may_read(None) is (scope is None)


def test_the_principal_travels_as_json_with_what_it_reads() -> None:
    principal = Principal(
        username="vic", roles=frozenset({Role.VIEWER}), kind="api_key", key_id="0" * 16, reads_for="alice"
    )
    assert Principal.from_context(principal.to_context()) == principal
    # A context written before reads_for existed still reads.
    old = Principal.from_context('{"username": "olga", "roles": ["operator"], "kind": "user"}')
    assert old == Principal(username="olga", roles=frozenset({Role.OPERATOR}))
