"""JWTs: HS256 only, signed with the key ring's active key and verified by ``kid``.

Every check is explicit: the algorithm is pinned (so ``alg=none`` and RS/HS confusion fail), and
``exp``, ``iat``, ``iss``, ``aud`` and ``sub`` are required, with a small clock-skew leeway.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Literal

import jwt
from pydantic import BaseModel, ValidationError

from paperlane import clock
from paperlane.auth.keyring import KeyRing
from paperlane.auth.roles import Role
from paperlane.config import AuthSettings
from paperlane.errors import Unauthorized

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]
_BEARER = {"WWW-Authenticate": 'Bearer realm="paperlane"'}


class Claims(BaseModel):
    sub: str
    roles: list[Role]
    typ: TokenType
    # The user's token version: bumped on password change or deactivation, which revokes older tokens.
    ver: int = 0
    exp: int
    iat: int
    jti: str


class IssuedToken(BaseModel):
    token: str
    expires_in: int


class TokenService:
    def __init__(self, ring: KeyRing, settings: AuthSettings) -> None:
        self._ring = ring
        self._settings = settings

    def issue(self, username: str, roles: list[Role], *, version: int, typ: TokenType) -> IssuedToken:
        s = self._settings
        ttl = s.access_token_ttl_seconds if typ == "access" else s.refresh_token_ttl_seconds
        now = clock.now()
        key = self._ring.signing_key()
        payload = {
            "sub": username,
            "roles": [str(r) for r in roles],
            "typ": typ,
            "ver": version,
            "iss": s.jwt_issuer,
            "aud": s.jwt_audience,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl)).timestamp()),
            "jti": secrets.token_hex(8),
        }
        token = jwt.encode(payload, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid})
        return IssuedToken(token=token, expires_in=ttl)

    def verify(self, token: str, *, typ: TokenType = "access") -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise _invalid("The token is malformed.") from None
        if header.get("alg") != ALGORITHM:
            raise _invalid(f"The token's algorithm is not accepted (only {ALGORITHM}).")
        kid = header.get("kid")
        key = (
            self._ring.verification_key(
                kid, now=clock.now(), grace_seconds=self._settings.jwt_key_grace_seconds
            )
            if isinstance(kid, str)
            else None
        )
        if key is None:
            raise _invalid("The token was signed with an unknown or retired key: sign in again.")
        try:
            payload = jwt.decode(
                token,
                key.secret,
                algorithms=[ALGORITHM],
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                leeway=self._settings.jwt_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise _invalid("The token has expired: sign in again or refresh it.") from None
        except jwt.InvalidAudienceError:
            raise _invalid("The token was issued for another audience.") from None
        except jwt.InvalidIssuerError:
            raise _invalid("The token was issued by someone else.") from None
        except jwt.ImmatureSignatureError:
            raise _invalid("The token is issued in the future: check the clocks.") from None
        except jwt.InvalidSignatureError:
            raise _invalid("The token's signature is invalid.") from None
        except jwt.InvalidTokenError as exc:
            raise _invalid(f"The token is invalid: {type(exc).__name__}.") from None
        try:
            claims = Claims.model_validate(payload)
        except ValidationError:
            raise _invalid("The token's claims are not Paperlane's.") from None
        if claims.typ != typ:
            raise _invalid(f"A {claims.typ} token cannot be used here; send the {typ} token.")
        return claims


def _invalid(message: str) -> Unauthorized:
    return Unauthorized(message, headers=_BEARER)
