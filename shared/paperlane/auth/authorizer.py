"""API Gateway's REQUEST Lambda authorizer: credential in, IAM policy + principal + usage key out.

It serves the REST API (``Authorization: Bearer <jwt>``, ``Authorization: ApiKey <key>`` or
``X-API-Key: <key>``) and the WebSocket API's ``$connect`` route (``?token=<jwt>``, since browsers
cannot set headers on a WebSocket handshake).

REST: the authorizer has no identity source and API Gateway's result cache is off (template.yaml):
with an identity source, API Gateway refuses a request lacking any listed header before calling the
authorizer, so either header alone could not work. Results are cached here instead, per container,
for AUTHORIZER_CACHE_SECONDS, keyed on a hash of the credential.

A refused credential gets a Deny with the reason in the context (``code``, ``message``): the
ACCESS_DENIED gateway response turns it into a 401 in the API's error envelope, saying which failure
(expired, tampered, revoked...). An exception named "Unauthorized" would give a 401 without any
context, so the WebSocket ``$connect`` (which has no gateway responses) keeps using it.

The Allow policy covers the whole API (``*/*``): route permissions are checked by the handlers
(paperlane.api.security), from the principal in the request context.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from typing import Any

from paperlane import aws
from paperlane.auth.roles import Principal
from paperlane.auth.service import MISSING_CREDENTIAL, AuthService
from paperlane.config import environ
from paperlane.errors import PaperlaneError, Unauthorized
from paperlane.observability import logger

# API Gateway answers 401 when an authorizer raises exactly this.
UNAUTHORIZED = "Unauthorized"
# Gateway response templates substitute context values into JSON strings without escaping them.
_UNSAFE = re.compile(r'["\\\x00-\x1f]')
_CACHE_MAX = 5000

_lock = threading.Lock()
_usage_keys: dict[str, str] = {}
_principals: dict[str, tuple[float, Principal]] = {}


class AuthorizerDenied(Exception):
    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED)


def authorize(event: dict[str, Any], service: AuthService, *, cache_seconds: int = 0) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items() if isinstance(v, str)}
    if _is_websocket_connect(event):
        # Browsers cannot set headers on a WebSocket handshake: $connect sends the token as ?token=.
        token = (event.get("queryStringParameters") or {}).get("token")
        try:
            principal = service.authenticate(f"Bearer {token}" if token else None, None)
        except Unauthorized as exc:
            logger.info("Credential refused", extra={"reason": exc.code})
            raise AuthorizerDenied from None
        if principal is None:
            raise AuthorizerDenied
        return _allow(event, principal)
    try:
        principal = _cached(service, headers.get("authorization"), headers.get("x-api-key"), cache_seconds)
    except Unauthorized as exc:
        # Why it failed goes to the log as a code (never the credential), and to the caller.
        logger.info("Credential refused", extra={"reason": exc.code})
        return _deny(event, exc)
    if principal is None:
        return _deny(event, Unauthorized(MISSING_CREDENTIAL))
    response = _allow(event, principal)
    usage_key = _usage_key(principal)
    if usage_key:
        response["usageIdentifierKey"] = usage_key
    return response


def _cached(
    service: AuthService, authorization: str | None, api_key: str | None, ttl: int
) -> Principal | None:
    """The principal behind these headers, reusing a result at most ``ttl`` seconds old.

    Other errors than Unauthorized (the key ring unreadable...) propagate: API Gateway answers 500
    AUTHORIZER_CONFIGURATION_ERROR, rather than telling the caller its credential is wrong."""
    if not authorization and not api_key:
        return None
    key = hashlib.sha256(f"{authorization}\n{api_key}".encode()).hexdigest()
    now = time.monotonic()
    with _lock:
        hit = _principals.get(key)
    if hit and now - hit[0] < ttl:
        return hit[1]
    principal = service.authenticate(authorization, api_key)
    if ttl > 0 and principal is not None:
        with _lock:
            if len(_principals) >= _CACHE_MAX:
                _principals.clear()
            _principals[key] = (now, principal)
    return principal


def forget() -> None:
    """Drop cached principals (between tests)."""
    with _lock:
        _principals.clear()


def _allow(event: dict[str, Any], principal: Principal) -> dict[str, Any]:
    return {
        "principalId": principal.username,
        "policyDocument": _policy("Allow", _resource(event)),
        "context": {"principal": principal.to_context()},
    }


def _deny(event: dict[str, Any], exc: PaperlaneError) -> dict[str, Any]:
    return {
        "principalId": "anonymous",
        "policyDocument": _policy("Deny", str(event["methodArn"])),
        # Read by the ACCESS_DENIED gateway response as $context.authorizer.code / .message.
        "context": {"code": exc.code, "message": _UNSAFE.sub("'", exc.message)[:300]},
    }


def _policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
    }


def _is_websocket_connect(event: dict[str, Any]) -> bool:
    return (event.get("requestContext") or {}).get("routeKey") == "$connect"


def _resource(event: dict[str, Any]) -> str:
    # A WebSocket connection is authorized once, for $connect; a REST principal may call any route.
    return str(event["methodArn"]) if _is_websocket_connect(event) else _whole_api(event["methodArn"])


def _whole_api(method_arn: str) -> str:
    # arn:aws:execute-api:region:account:api-id/stage/VERB/path -> .../api-id/stage/*/*
    prefix, _, rest = method_arn.partition(":execute-api:")
    region_account_api = rest.split("/", 2)
    return f"{prefix}:execute-api:{region_account_api[0]}/{region_account_api[1]}/*/*"


def _usage_key(principal: Principal) -> str | None:
    """The API Gateway key of the caller's usage plan (by role), read once per container."""
    variable = "ADMIN_USAGE_KEY_ID" if principal.is_admin else "AUTHENTICATED_USAGE_KEY_ID"
    key_id = environ().get(variable)
    if not key_id:
        return None
    with _lock:
        if key_id not in _usage_keys:
            resp = aws.client("apigateway").get_api_key(apiKey=key_id, includeValue=True)
            _usage_keys[key_id] = resp["value"]
        return _usage_keys[key_id]
