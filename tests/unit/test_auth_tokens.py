"""JWTs: what is accepted and what is refused, and why (the message says which)."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest

from paperlane import clock
from paperlane.auth.keyring import KeyRing, KeyringError
from paperlane.auth.roles import Role
from paperlane.auth.tokens import TokenService
from paperlane.config import AuthSettings
from paperlane.errors import Unauthorized

SETTINGS = AuthSettings.model_validate({"AUTH_TABLE": "auth-table", "JWT_KEY_GRACE_SECONDS": "3600"})


def _service(ring: KeyRing, **overrides: str) -> TokenService:
    settings = AuthSettings.model_validate({**SETTINGS.model_dump(by_alias=True), **overrides})
    return TokenService(ring, settings)


def _refused(service: TokenService, token: str, words: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        service.verify(token)
    assert words in caught.value.message


def _forge(ring: KeyRing, **claims: object) -> str:
    now = int(time.time())
    payload = {
        "sub": "olga",
        "roles": ["operator"],
        "typ": "access",
        "ver": 0,
        "iss": "paperlane",
        "aud": "paperlane-api",
        "iat": now,
        "exp": now + 600,
        "jti": "x",
        **claims,
    }
    key = ring.signing_key()
    return jwt.encode(payload, key.secret, algorithm="HS256", headers={"kid": key.kid})


def test_an_issued_token_verifies_with_its_claims() -> None:
    ring = KeyRing.generate()
    service = _service(ring)
    issued = service.issue("olga", [Role.OPERATOR], version=3, typ="access")
    claims = service.verify(issued.token)
    assert (claims.sub, claims.roles, claims.ver) == ("olga", [Role.OPERATOR], 3)
    assert issued.expires_in == 24 * 3600
    assert claims.exp - claims.iat == 24 * 3600
    assert jwt.get_unverified_header(issued.token)["kid"] == ring.active


def test_expiry_is_configurable_and_enforced_with_clock_skew_leeway() -> None:
    ring = KeyRing.generate()
    service = _service(ring, ACCESS_TOKEN_TTL_SECONDS="120")
    assert service.issue("olga", [Role.VIEWER], version=0, typ="access").expires_in == 120
    now = int(time.time())
    # 30 s past expiry is within the 60 s leeway; 5 minutes is not.
    service.verify(_forge(ring, exp=now - 30, iat=now - 600))
    _refused(service, _forge(ring, exp=now - 300, iat=now - 900), "expired")


def test_a_tampered_token_is_refused() -> None:
    ring = KeyRing.generate()
    service = _service(ring)
    token = service.issue("olga", [Role.VIEWER], version=0, typ="access").token
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    _refused(service, f"{header}.{forged}.{signature}", "signature is invalid")


def test_alg_none_and_other_algorithms_are_refused() -> None:
    ring = KeyRing.generate()
    service = _service(ring)

    # Built by hand: an unsigned token claiming admin, as an attacker would send it.
    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': ring.active})}.{b64({'sub': 'admin'})}."
    _refused(service, unsigned, "algorithm is not accepted")
    key = ring.signing_key()
    hs512 = jwt.encode({"sub": "olga"}, key.secret, algorithm="HS512", headers={"kid": key.kid})
    _refused(service, hs512, "algorithm is not accepted")


def test_wrong_audience_or_issuer_is_refused() -> None:
    ring = KeyRing.generate()
    service = _service(ring)
    _refused(service, _forge(ring, aud="someone-else"), "another audience")
    _refused(service, _forge(ring, iss="evil"), "issued by someone else")


def test_missing_claims_and_garbage_are_refused() -> None:
    ring = KeyRing.generate()
    service = _service(ring)
    key = ring.signing_key()
    no_exp = jwt.encode(
        {"sub": "olga", "iss": "paperlane", "aud": "paperlane-api"}, key.secret, headers={"kid": key.kid}
    )
    _refused(service, no_exp, "invalid")
    _refused(service, "not-a-token", "malformed")


def test_a_refresh_token_is_not_an_access_token() -> None:
    ring = KeyRing.generate()
    service = _service(ring)
    refresh = service.issue("olga", [Role.VIEWER], version=0, typ="refresh").token
    _refused(service, refresh, "refresh token cannot be used")
    assert service.verify(refresh, typ="refresh").typ == "refresh"


def test_rotation_keeps_old_tokens_valid_for_the_grace_period_only(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = KeyRing.generate()
    old_token = _service(ring).issue("olga", [Role.VIEWER], version=0, typ="access").token
    rotated = ring.rotate(now=clock.now(), grace_seconds=3600)
    service = _service(rotated)
    assert rotated.active != ring.active
    # New tokens are signed with the new key...
    new_token = service.issue("olga", [Role.VIEWER], version=0, typ="access").token
    assert jwt.get_unverified_header(new_token)["kid"] == rotated.active
    # ...and the old key is still accepted within the grace period.
    assert service.verify(old_token).sub == "olga"
    later = clock.now() + timedelta(seconds=3601)
    monkeypatch.setattr(clock, "now", lambda: later)
    _refused(service, old_token, "unknown or retired key")
    assert service.verify(new_token).sub == "olga"
    # A second rotation past the grace period drops the long-retired key entirely.
    assert ring.active not in {k.kid for k in rotated.rotate(now=later, grace_seconds=3600).keys}


def test_a_token_from_another_ring_is_refused() -> None:
    token = _service(KeyRing.generate()).issue("olga", [Role.VIEWER], version=0, typ="access").token
    _refused(_service(KeyRing.generate()), token, "unknown or retired key")


def test_key_ring_reads_the_templates_generated_secret_and_rejects_nonsense() -> None:
    ring = KeyRing.parse(json.dumps({"kid": "k1", "secret": "s" * 64}))
    assert ring.active == "k1" and ring.signing_key().secret == "s" * 64
    with pytest.raises(KeyringError):
        KeyRing.parse(json.dumps({"kid": "k1", "secret": "short"}))
    with pytest.raises(KeyringError):
        KeyRing.parse(json.dumps({"active": "k9", "keys": [{"kid": "k1", "secret": "s" * 64}]}))
    with pytest.raises(KeyringError):
        KeyRing.parse("{not json")
