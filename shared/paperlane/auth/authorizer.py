"""API Gateway's REQUEST Lambda authorizer: credential in, IAM policy + principal + usage key out.

It serves the REST API (``Authorization: Bearer <jwt>`` or ``ApiKey <key>``) and the WebSocket API's
``$connect`` route (``?token=<jwt>``, since browsers cannot set headers on a WebSocket handshake).

The policy allows the whole API (``*/*``): results are cached per Authorization header, and a
cached policy must serve every route that caller may reach. Route permissions are then checked by
the handlers (paperlane.api.security), from the principal in the request context.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from paperlane import aws
from paperlane.auth.roles import Principal
from paperlane.auth.service import AuthService
from paperlane.config import environ
from paperlane.errors import PaperlaneError
from paperlane.observability import logger

# API Gateway answers 401 when an authorizer raises exactly this.
UNAUTHORIZED = "Unauthorized"

_lock = threading.Lock()
_usage_keys: dict[str, str] = {}


class AuthorizerDenied(Exception):
    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED)


def authorize(event: dict[str, Any], service: AuthService) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items() if isinstance(v, str)}
    authorization = headers.get("authorization")
    if _is_websocket_connect(event):
        # Browsers cannot set headers on a WebSocket handshake: $connect sends the token as ?token=.
        token = (event.get("queryStringParameters") or {}).get("token")
        authorization = f"Bearer {token}" if token else None
    try:
        principal = service.authenticate(authorization, headers.get("x-api-key"))
    except PaperlaneError as exc:
        # Why it failed goes to the log (never the credential); the caller gets API Gateway's 401.
        logger.info("Credential refused", extra={"reason": exc.code})
        raise AuthorizerDenied from None
    if principal is None:
        raise AuthorizerDenied
    response: dict[str, Any] = {
        "principalId": principal.username,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": _resource(event),
                }
            ],
        },
        "context": {"principal": _encode(principal)},
    }
    # Usage plans (per-role rate limits) exist for the REST API only.
    usage_key = None if _is_websocket_connect(event) else _usage_key(principal)
    if usage_key:
        response["usageIdentifierKey"] = usage_key
    return response


def _is_websocket_connect(event: dict[str, Any]) -> bool:
    return (event.get("requestContext") or {}).get("routeKey") == "$connect"


def _resource(event: dict[str, Any]) -> str:
    # A WebSocket connection is authorized once, for $connect; REST results serve every route.
    return str(event["methodArn"]) if _is_websocket_connect(event) else _whole_api(event["methodArn"])


def _whole_api(method_arn: str) -> str:
    # arn:aws:execute-api:region:account:api-id/stage/VERB/path -> .../api-id/stage/*/*
    prefix, _, rest = method_arn.partition(":execute-api:")
    region_account_api = rest.split("/", 2)
    return f"{prefix}:execute-api:{region_account_api[0]}/{region_account_api[1]}/*/*"


def _encode(principal: Principal) -> str:
    # Authorizer context values must be strings, numbers or booleans: the principal travels as JSON.
    return json.dumps(
        {
            "username": principal.username,
            "roles": sorted(principal.roles),
            "kind": principal.kind,
            "key_id": principal.key_id,
        }
    )


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
