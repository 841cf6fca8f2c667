"""The API's door: who is calling (JWT or API key), may they call this route, and how often.

One router-level dependency, ``authorize``, runs on every route. It looks the route up in
``paperlane.auth.policy`` (fail closed: no entry, no entry), so handlers only ask for the principal
when they scope data to it. On AWS the Lambda authorizer has already checked the credential and passes
the principal in the request context; handlers still check the permission, and the local stack, which
has no API Gateway, runs the full check here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer

from paperlane import aws
from paperlane.api.deps import SettingsDep
from paperlane.auth import policy
from paperlane.auth.factory import auth_service
from paperlane.auth.ratelimit import FixedWindowLimiter, Limiter, limit_for
from paperlane.auth.roles import Principal
from paperlane.auth.service import MISSING_CREDENTIAL, AuthService
from paperlane.config import ApiSettings
from paperlane.errors import Forbidden, RateLimited, Unauthorized
from paperlane.storage.ratelimit import DynamoWindowLimiter

# Declared so that OpenAPI (and Swagger UI's Authorize button) knows both ways in; read raw below.
_bearer = HTTPBearer(auto_error=False, description="An access token from POST /auth/login")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key from POST /api/v1/keys")

# Where the quota waits for the middleware that copies it onto the response.
QUOTA_STATE = "rate_quota"


def get_auth_service(settings: SettingsDep) -> AuthService:
    return auth_service(settings)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


def authorize(
    request: Request,
    settings: SettingsDep,
    api_key: Annotated[str | None, Depends(_api_key)],
    _: Annotated[Any, Depends(_bearer)] = None,
) -> Principal | None:
    route = request.scope.get("route")
    permission = policy.permission_for(request.method, getattr(route, "path", ""))
    # Public routes never look at credentials: a stale token must not break /health or sign-in.
    public = permission == policy.PUBLIC
    try:
        principal = None if public else _principal(request, settings, api_key)
    except Unauthorized:
        # Bad credentials count against the client's anonymous budget: no free guessing.
        _rate_limit(request, settings, None)
        raise
    _rate_limit(request, settings, principal)
    if permission is None:
        raise Forbidden("This route declares no permission, so nobody may call it.")
    if permission == policy.PUBLIC:
        return principal
    if principal is None:
        raise Unauthorized(MISSING_CREDENTIAL, headers={"WWW-Authenticate": 'Bearer realm="paperlane"'})
    if not principal.can(permission):
        raise Forbidden(
            f"Your roles ({', '.join(sorted(principal.roles))}) do not include the permission "
            f"'{permission}' this route needs.",
            details={"permission": str(permission), "roles_allowed": policy.roles_allowed(permission)},
        )
    return principal


def _principal(request: Request, settings: ApiSettings, api_key: str | None) -> Principal | None:
    passed = _from_authorizer(request)
    if passed is not None:
        return passed
    return auth_service(settings).authenticate(request.headers.get("authorization"), api_key)


def _from_authorizer(request: Request) -> Principal | None:
    """The principal API Gateway's Lambda authorizer put in the request context (AWS only)."""
    event = request.scope.get("aws.event") or {}
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    raw = context.get("principal")
    if not raw:
        return None
    return Principal.from_context(str(raw))


def _rate_limit(request: Request, settings: ApiSettings, principal: Principal | None) -> None:
    limiter = _limiter(request, settings)
    if limiter is None:
        return
    kind, limit = limit_for(principal, settings)
    who = principal.username if principal else client_address(request)
    quota = limiter.hit(f"{kind}:{who}", limit)
    if quota is None:
        return
    setattr(request.state, QUOTA_STATE, quota)
    if not quota.allowed:
        raise RateLimited(
            f"Too many requests: {limit} per minute are allowed for {kind} callers.",
            details={"limit_per_minute": limit},
            headers=quota.headers(),
        )


def _limiter(request: Request, settings: ApiSettings) -> Limiter | None:
    if settings.rate_limit_backend == "dynamodb":
        # Lambda containers share nothing: on AWS the counts live in a table (a client, no state here).
        return DynamoWindowLimiter(aws.dynamodb(), settings.rate_limit_table)
    if settings.rate_limit_backend == "memory":
        limiter: FixedWindowLimiter = request.app.state.limiter
        return limiter
    return None


def client_address(request: Request) -> str:
    """Who an anonymous caller is: API Gateway's source IP on AWS, the socket's peer locally."""
    event = request.scope.get("aws.event") or {}
    source_ip = ((event.get("requestContext") or {}).get("identity") or {}).get("sourceIp")
    if source_ip:
        return str(source_ip)
    return request.client.host if request.client else "unknown"


def require_principal(principal: Annotated[Principal | None, Depends(authorize)]) -> Principal:
    if principal is None:  # only public routes get here without one, and they do not ask
        raise Unauthorized("Sign in first.")
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]
