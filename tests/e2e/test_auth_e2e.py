"""Auth over HTTP on `paperlane serve`: sign in, upload as an operator, a viewer refused, a 429."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Server
from tests.pdfgen import text_pdf

pytestmark = pytest.mark.e2e


def test_sign_in_roles_and_rate_limit_over_http(server: Server) -> None:
    suffix = uuid.uuid4().hex[:6]
    operator, viewer = f"op-{suffix}", f"view-{suffix}"
    with server.client() as admin:
        for name, role in ((operator, "operator"), (viewer, "viewer")):
            r = admin.post(
                "/api/v1/users", json={"username": name, "password": f"{name} password", "roles": [role]}
            )
            assert r.status_code == 201, r.text

    with server.anonymous() as anon:
        assert (
            anon.post("/api/v1/upload", files={"file": ("a.pdf", b"%PDF", "application/pdf")}).status_code
            == 401
        )
        tokens = {}
        for name in (operator, viewer):
            r = anon.post("/auth/login", json={"username": name, "password": f"{name} password"})
            assert r.status_code == 200, r.text
            tokens[name] = r.json()["access_token"]

    with server.anonymous(headers={"Authorization": f"Bearer {tokens[operator]}"}) as op:
        pdf = text_pdf([f"Operator upload {suffix}\nTotal 1.00"])
        r = op.post("/api/v1/upload", files={"file": ("op.pdf", pdf, "application/pdf")})
        assert r.status_code == 201, r.text
        assert op.get(f"/api/v1/jobs/{r.json()['job_id']}").json()["owner"] == operator
        assert "x-ratelimit-remaining" in {h.lower() for h in r.headers}

    with server.anonymous(headers={"Authorization": f"Bearer {tokens[viewer]}"}) as view:
        r = view.post(
            "/api/v1/users",
            json={"username": f"x-{suffix}", "password": "whatever pass 1", "roles": ["admin"]},
        )
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "FORBIDDEN"

    # Anonymous callers get 100 requests a minute per address; the next one is refused with Retry-After.
    with server.anonymous() as anon:
        statuses = [anon.get("/health") for _ in range(101)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, "no 429 after 101 anonymous requests in a minute"
        assert int(limited[0].headers["Retry-After"]) >= 1
        assert limited[0].json()["error"]["code"] == "RATE_LIMITED"
