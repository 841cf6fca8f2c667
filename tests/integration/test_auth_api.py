"""Auth over the API on the local stack: sign-in, tokens, users, API keys, roles on every route,
ownership, masking and rate limits."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from paperlane.api import auth, status, upload
from paperlane.api.app import create_app
from paperlane.auth import policy
from paperlane.auth.roles import ROLE_PERMISSIONS, Role
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from tests.auth_helpers import PASSWORD, bearer, ensure_user, signed_in_client
from tests.pdfgen import text_pdf


@pytest.fixture(scope="module")
def anon(stack: LocalStack) -> Iterator[TestClient]:
    with TestClient(build_app(stack)) as c:
        yield c


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> Iterator[TestClient]:
    with signed_in_client(stack, "root-admin", Role.ADMIN) as c:
        yield c


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code
    return str(body["message"])


def _login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", json={"username": username, "password": password})


# ---------------------------------------------------------------------------- sign-in and tokens


def test_login_returns_a_bearer_token_that_identifies_the_user(stack: LocalStack, anon: TestClient) -> None:
    name = _name("olga")
    ensure_user(stack, name, Role.OPERATOR)
    r = _login(anon, name)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 24 * 3600
    me = anon.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me == {
        "username": name,
        "email": None,
        "roles": ["operator"],
        "is_active": True,
        "reads_for": None,
        "auth": "user",
    }


def test_wrong_password_and_unknown_user_get_the_same_answer(stack: LocalStack, anon: TestClient) -> None:
    name = _name("vera")
    ensure_user(stack, name, Role.VIEWER)
    wrong = _error(_login(anon, name, "not the password"), 401, "UNAUTHORIZED")
    unknown = _error(_login(anon, _name("nobody"), "not the password"), 401, "UNAUTHORIZED")
    assert wrong == unknown == "Wrong username or password."


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    stack: LocalStack, anon: TestClient
) -> None:
    name = _name("lock")
    ensure_user(stack, name, Role.VIEWER)
    for _ in range(4):
        _error(_login(anon, name, "guess guess guess"), 401, "UNAUTHORIZED")
    r = _login(anon, name, "guess guess guess")
    assert "locked" in _error(r, 401, "ACCOUNT_LOCKED")
    assert int(r.headers["Retry-After"]) > 800
    _error(_login(anon, name), 401, "ACCOUNT_LOCKED")


def test_refresh_gives_a_new_access_token_and_refuses_access_tokens(
    stack: LocalStack, anon: TestClient
) -> None:
    name = _name("ref")
    ensure_user(stack, name, Role.VIEWER)
    pair = _login(anon, name).json()
    fresh = anon.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert fresh.status_code == 200
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert anon.get("/auth/me", headers=headers).json()["username"] == name
    message = _error(
        anon.post("/auth/refresh", json={"refresh_token": pair["access_token"]}), 401, "UNAUTHORIZED"
    )
    assert "access token cannot be used" in message
    refresh_as_access = {"Authorization": f"Bearer {pair['refresh_token']}"}
    _error(anon.get("/auth/me", headers=refresh_as_access), 401, "UNAUTHORIZED")


def test_missing_and_malformed_credentials_are_401_with_a_reason(anon: TestClient) -> None:
    assert "Sign in first" in _error(anon.get("/api/v1/jobs"), 401, "UNAUTHORIZED")
    assert "malformed" in _error(
        anon.get("/api/v1/jobs", headers={"Authorization": "Bearer abc"}), 401, "UNAUTHORIZED"
    )
    assert "must be 'Bearer" in _error(
        anon.get("/api/v1/jobs", headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401, "UNAUTHORIZED"
    )
    # A public route ignores a stale credential rather than refusing the call.
    assert anon.get("/health", headers={"Authorization": "Bearer abc"}).status_code == 200


# ---------------------------------------------------------------------------- users (admin)


def test_admin_manages_users_and_changes_take_effect(
    stack: LocalStack, admin: TestClient, anon: TestClient
) -> None:
    name = _name("new")
    r = admin.post(
        "/api/v1/users",
        json={
            "username": name,
            "password": "first password 1",
            "email": "n@example.org",
            "roles": ["viewer"],
        },
    )
    assert r.status_code == 201, r.text
    assert "password" not in r.text and "hash" not in r.text
    again = {"username": name, "password": "another password 3", "roles": ["viewer"]}
    _error(admin.post("/api/v1/users", json=again), 409, "CONFLICT")
    assert name in {u["username"] for u in _all_users(admin)}
    old = _login(anon, name, "first password 1").json()["access_token"]

    # Promote: the new role applies to the existing token at once (roles are read per request).
    assert admin.patch(f"/api/v1/users/{name}", json={"roles": ["operator"]}).json()["roles"] == ["operator"]
    assert anon.get("/auth/me", headers={"Authorization": f"Bearer {old}"}).json()["roles"] == ["operator"]

    # A new password revokes earlier tokens.
    assert admin.patch(f"/api/v1/users/{name}", json={"password": "second password 2"}).status_code == 200
    assert "revoked" in _error(
        anon.get("/auth/me", headers={"Authorization": f"Bearer {old}"}), 401, "UNAUTHORIZED"
    )
    _error(_login(anon, name, "first password 1"), 401, "UNAUTHORIZED")
    token = _login(anon, name, "second password 2").json()["access_token"]

    # Deactivation refuses sign-in and tokens.
    assert admin.patch(f"/api/v1/users/{name}", json={"is_active": False}).json()["is_active"] is False
    _error(anon.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "UNAUTHORIZED")
    assert "deactivated" in _error(_login(anon, name, "second password 2"), 401, "UNAUTHORIZED")

    assert admin.delete(f"/api/v1/users/{name}").status_code == 204
    _error(admin.get(f"/api/v1/users/{name}"), 404, "NOT_FOUND")
    _error(admin.delete(f"/api/v1/users/{name}"), 404, "NOT_FOUND")


def test_admin_changes_a_users_email(stack: LocalStack, admin: TestClient, anon: TestClient) -> None:
    name = _name("mail")
    ensure_user(stack, name, Role.OPERATOR)
    changed = admin.patch(f"/api/v1/users/{name}", json={"email": "new.address@example.org"})
    assert changed.status_code == 200 and changed.json()["email"] == "new.address@example.org"
    assert admin.get(f"/api/v1/users/{name}").json()["email"] == "new.address@example.org"
    token = _login(anon, name).json()["access_token"]
    assert anon.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["email"] == (
        "new.address@example.org"
    )
    # The rest of the user is untouched, and the token still works (an email is no credential).
    assert changed.json()["roles"] == ["operator"] and changed.json()["is_active"] is True
    bad = admin.patch(f"/api/v1/users/{name}", json={"email": "no-at-sign.example.org"})
    _error(bad, 422, "INVALID_REQUEST")
    assert admin.get(f"/api/v1/users/{name}").json()["email"] == "new.address@example.org"


def test_user_input_is_validated(admin: TestClient) -> None:
    _error(
        admin.post("/api/v1/users", json={"username": "Bad Name", "password": "x" * 14, "roles": ["viewer"]}),
        422,
        "INVALID_REQUEST",
    )
    _error(
        admin.post("/api/v1/users", json={"username": _name("r"), "password": "x" * 14, "roles": ["root"]}),
        422,
        "INVALID_REQUEST",
    )
    assert "characters long" in _error(
        admin.post("/api/v1/users", json={"username": _name("p"), "password": "short", "roles": ["viewer"]}),
        400,
        "INVALID_REQUEST",
    )
    me = admin.get("/auth/me").json()["username"]
    assert "yourself" in _error(admin.delete(f"/api/v1/users/{me}"), 400, "INVALID_REQUEST")


def test_user_listing_pages_with_a_cursor(stack: LocalStack, admin: TestClient) -> None:
    for _ in range(3):
        ensure_user(stack, _name("page"), Role.VIEWER)
    first = admin.get("/api/v1/users", params={"limit": 2}).json()
    assert first["count"] == 2 and first["next_cursor"]
    second = admin.get("/api/v1/users", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert {u["username"] for u in first["items"]}.isdisjoint(u["username"] for u in second["items"])


def _all_users(client: TestClient) -> list[dict[str, Any]]:
    users, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/users", params={"limit": 200, **({"cursor": cursor} if cursor else {})}
        ).json()
        users.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return users


# ---------------------------------------------------------------------------- API keys


def test_api_keys_are_shown_once_work_as_either_header_and_can_be_revoked(stack: LocalStack) -> None:
    name = _name("machine")
    with signed_in_client(stack, name, Role.OPERATOR) as owner, TestClient(build_app(stack)) as anon:
        created = owner.post("/api/v1/keys", json={"name": "nightly import"})
        assert created.status_code == 201, created.text
        key = created.json()["api_key"]
        key_id = created.json()["key_id"]
        listed = owner.get("/api/v1/keys").json()["items"]
        assert [k["key_id"] for k in listed] == [key_id]
        assert key not in str(listed) and "secret" not in str(listed)

        me = anon.get("/auth/me", headers={"X-API-Key": key}).json()
        assert me["username"] == name and me["auth"] == "api_key"
        assert anon.get("/api/v1/jobs", headers={"Authorization": f"ApiKey {key}"}).status_code == 200
        # Keys act as their owner: an operator key cannot manage users.
        _error(anon.get("/api/v1/users", headers={"X-API-Key": key}), 403, "FORBIDDEN")
        # Keys cannot mint keys.
        _error(anon.post("/api/v1/keys", headers={"X-API-Key": key}, json={"name": "x"}), 403, "FORBIDDEN")

        tampered = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
        _error(anon.get("/auth/me", headers={"X-API-Key": tampered}), 401, "UNAUTHORIZED")

        assert owner.delete(f"/api/v1/keys/{key_id}").json()["revoked"] is True
        assert "revoked" in _error(anon.get("/auth/me", headers={"X-API-Key": key}), 401, "UNAUTHORIZED")


def test_a_key_holds_only_roles_its_creator_has(stack: LocalStack) -> None:
    with signed_in_client(stack, _name("viewer"), Role.VIEWER) as viewer:
        _error(viewer.post("/api/v1/keys", json={"name": "sneaky", "roles": ["operator"]}), 403, "FORBIDDEN")
        assert viewer.post("/api/v1/keys", json={"name": "ok"}).json()["roles"] == ["viewer"]


def test_others_keys_are_invisible_and_cannot_be_revoked(stack: LocalStack, admin: TestClient) -> None:
    with (
        signed_in_client(stack, _name("a"), Role.OPERATOR) as a,
        signed_in_client(stack, _name("b"), Role.OPERATOR) as b,
    ):
        key_id = a.post("/api/v1/keys", json={"name": "mine"}).json()["key_id"]
        assert b.get("/api/v1/keys").json()["items"] == []
        _error(b.delete(f"/api/v1/keys/{key_id}"), 404, "NOT_FOUND")
        assert key_id in {
            k["key_id"] for k in admin.get("/api/v1/keys", params={"limit": 200}).json()["items"]
        }


# ---------------------------------------------------------------------------- every role on every route


def _routes(stack: LocalStack) -> list[tuple[str, str]]:
    spec = build_app(stack).openapi()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


def test_every_route_declares_its_permission(stack: LocalStack) -> None:
    missing = [route for route in _routes(stack) if policy.permission_for(*route) is None]
    assert not missing, f"routes without an entry in paperlane.auth.policy.ROUTES: {missing}"


def test_a_route_without_a_declared_permission_is_refused_even_to_admins(stack: LocalStack) -> None:
    extra = APIRouter()

    @extra.get("/api/v1/undeclared")
    def undeclared() -> dict[str, str]:
        return {"secret": "yes"}

    app = create_app(extra, environment=stack.api_environment())
    with TestClient(app, headers=bearer(stack, "root-admin", Role.ADMIN)) as c:
        assert "declares no permission" in _error(c.get("/api/v1/undeclared"), 403, "FORBIDDEN")


def _placeholder(path: str) -> str:
    values = {"job_id": "0" * 32, "batch_id": "b-000000", "username": "nobody-here", "key_id": "0" * 16}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


@pytest.fixture(scope="module")
def role_headers(stack: LocalStack) -> dict[str, dict[str, str]]:
    headers = {role.value: bearer(stack, f"matrix-{role.value}", role) for role in Role}
    return {**headers, "anonymous": {}}


@pytest.mark.parametrize("role", ["anonymous", *[r.value for r in Role]])
def test_role_matrix_over_every_route(
    stack: LocalStack, anon: TestClient, role_headers: dict[str, dict[str, str]], role: str
) -> None:
    wrong: list[str] = []
    for method, path in _routes(stack):
        permission = policy.permission_for(method, path)
        assert permission is not None
        allowed = permission == policy.PUBLIC or (
            role != "anonymous" and permission in ROLE_PERMISSIONS[Role(role)]
        )
        # Requests carry no body or valid ids: allowed calls end in 404/409/422, never 401/403.
        r = anon.request(method, _placeholder(path), headers=role_headers[role])
        expected = "allowed" if allowed else ("401" if role == "anonymous" else "403")
        got = "allowed" if r.status_code not in (401, 403) else str(r.status_code)
        if got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong)


# Fixed expectations, written out rather than derived from ROLE_PERMISSIONS, so a wrong grant fails.
# Besides signing in, a viewer's only writes are its own API keys (read-only keys for its machines).
VIEWER_WRITES = {
    ("POST", "/auth/login"),
    ("POST", "/auth/refresh"),
    ("POST", "/api/v1/keys"),
    ("DELETE", "/api/v1/keys/{key_id}"),
}
# Users, webhooks, download sources and custom profiles are managed by admins only.
ADMIN_AREAS = ("/api/v1/users", "/api/v1/webhooks", "/api/v1/sources", "/api/v1/profiles")
READ_BY_ALL = {("GET", "/api/v1/profiles"), ("GET", "/api/v1/profiles/{name}")}


def _refused(client: TestClient, headers: dict[str, str], method: str, path: str) -> bool:
    r = client.request(method, _placeholder(path), headers=headers)
    return r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"


def test_viewers_write_nothing_but_sign_in_and_their_own_keys(
    stack: LocalStack, anon: TestClient, role_headers: dict[str, dict[str, str]]
) -> None:
    writes = [(m, p) for m, p in _routes(stack) if m in ("POST", "PUT", "PATCH", "DELETE")]
    assert set(writes) >= VIEWER_WRITES and len(writes) > 20
    allowed = [route for route in writes if not _refused(anon, role_headers["viewer"], *route)]
    assert sorted(allowed) == sorted(VIEWER_WRITES)


def test_only_admins_manage_users_webhooks_sources_and_profiles(
    stack: LocalStack, anon: TestClient, role_headers: dict[str, dict[str, str]]
) -> None:
    managed = [(m, p) for m, p in _routes(stack) if p.startswith(ADMIN_AREAS) and (m, p) not in READ_BY_ALL]
    assert {p.split("/")[3] for _, p in managed} == {"users", "webhooks", "sources", "profiles"}
    assert ("PATCH", "/api/v1/users/{username}") in managed and ("POST", "/api/v1/profiles") in managed
    for role in ("operator", "viewer"):
        allowed = [route for route in managed if not _refused(anon, role_headers[role], *route)]
        assert not allowed, f"{role} may call admin routes: {allowed}"
    assert not [route for route in managed if _refused(anon, role_headers["admin"], *route)]
    for route in READ_BY_ALL:
        assert not _refused(anon, role_headers["viewer"], *route)


def test_the_readme_table_is_the_policy() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert policy.markdown_table() in readme, "README's route table is stale: paste policy.markdown_table()"


# ---------------------------------------------------------------------------- whose jobs


def test_operators_see_only_their_own_jobs_and_admins_see_all(stack: LocalStack, admin: TestClient) -> None:
    # Viewers see one owner's jobs, named by reads_for: tests/integration/test_auth_scoping.py.
    pdf = text_pdf([f"Ownership {uuid.uuid4().hex}\nTotal 10.00"])
    with (
        signed_in_client(stack, _name("alice"), Role.OPERATOR) as alice,
        signed_in_client(stack, _name("bob"), Role.OPERATOR) as bob,
        signed_in_client(stack, _name("val"), Role.VIEWER) as viewer,
    ):
        job_id = alice.post("/api/v1/upload", files={"file": ("a.pdf", pdf, "application/pdf")}).json()[
            "job_id"
        ]
        assert alice.get(f"/api/v1/jobs/{job_id}").status_code == 200
        assert job_id in {j["job_id"] for j in alice.get("/api/v1/jobs").json()["items"]}
        _error(bob.get(f"/api/v1/jobs/{job_id}"), 404, "NOT_FOUND")
        _error(bob.post(f"/api/v1/jobs/{job_id}/cancel"), 404, "NOT_FOUND")
        assert job_id not in {
            j["job_id"] for j in bob.get("/api/v1/jobs", params={"limit": 200}).json()["items"]
        }
        _error(viewer.get(f"/api/v1/jobs/{job_id}"), 404, "NOT_FOUND")
        _error(viewer.post(f"/api/v1/jobs/{job_id}/cancel"), 403, "FORBIDDEN")
        assert admin.get(f"/api/v1/jobs/{job_id}").json()["owner"] == alice.get("/auth/me").json()["username"]


# ---------------------------------------------------------------------------- rate limits


def test_rate_limit_headers_and_429_with_retry_after(stack: LocalStack) -> None:
    env = {**stack.api_environment(), "RATE_LIMIT_AUTHENTICATED": "3", "RATE_LIMIT_ANONYMOUS": "2"}
    app = create_app(auth.router, upload.router, status.router, environment=env)
    headers = bearer(stack, _name("busy"), Role.OPERATOR)
    with TestClient(app) as c:
        seen = [c.get("/api/v1/jobs", headers=headers) for _ in range(4)]
        assert [r.status_code for r in seen] == [200, 200, 200, 429]
        assert [r.headers["X-RateLimit-Remaining"] for r in seen] == ["2", "1", "0", "0"]
        assert seen[0].headers["X-RateLimit-Limit"] == "3"
        assert int(seen[3].headers["Retry-After"]) >= 1
        assert seen[3].json()["error"]["code"] == "RATE_LIMITED"
        # Anonymous callers have their own, smaller budget per client address.
        anon = [c.get("/health") for _ in range(3)]
        assert [r.status_code for r in anon] == [200, 200, 429]
