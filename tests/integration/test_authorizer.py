"""The Lambda authorizer with API Gateway REQUEST events from events/, on the local stack.

On AWS the authorizer has no identity source (template.yaml), so it sees every request: a bearer
token, an API key in either header, or nothing. A refusal is a Deny whose context the ACCESS_DENIED
gateway response renders as a 401 in the API's error envelope.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from paperlane import aws
from paperlane.auth import authorizer as authorizer_module
from paperlane.auth import keyring
from paperlane.auth.keyring import KeyringError
from paperlane.auth.models import NewApiKey
from paperlane.auth.roles import Principal, Role
from paperlane.config import AuthSettings, function_environment
from paperlane.local.stack import LocalStack
from tests.auth_helpers import service, token
from tests.events import load_event
from tests.gateway_responses import gateway_responses, render

APP = Path(__file__).resolve().parents[2] / "functions" / "authorizer" / "app.py"
Call = Callable[..., dict[str, Any]]


class _Context:
    function_name = "AuthorizerFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizerFunction"
    aws_request_id = "req-1"


@pytest.fixture(scope="module")
def usage_keys() -> dict[str, str]:
    apigw = aws.client("apigateway")
    member = apigw.create_api_key(name="authenticated-usage", enabled=True)
    admin = apigw.create_api_key(name="admin-usage", enabled=True)
    return {
        "member_id": member["id"],
        "member": member["value"],
        "admin_id": admin["id"],
        "admin": admin["value"],
    }


@pytest.fixture
def authorizer(stack: LocalStack, usage_keys: dict[str, str]) -> Iterator[Call]:
    env = {
        **stack.function_environment("AuthorizerFunction"),
        "AUTHENTICATED_USAGE_KEY_ID": usage_keys["member_id"],
        "ADMIN_USAGE_KEY_ID": usage_keys["admin_id"],
    }
    spec = importlib.util.spec_from_file_location("authorizer_app", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def call(
        event: str = "authorizer", extra_env: dict[str, str] | None = None, **values: str
    ) -> dict[str, Any]:
        with function_environment({**env, **(extra_env or {})}):
            result: dict[str, Any] = module.handler(load_event(event, **values), _Context())
            return result

    authorizer_module.forget()
    yield call
    authorizer_module.forget()


def _statement(out: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = out["policyDocument"]["Statement"][0]
    assert statement["Action"] == "execute-api:Invoke"
    return statement


def _refusal(out: dict[str, Any]) -> dict[str, Any]:
    """What the caller gets for a Deny: the ACCESS_DENIED gateway response, rendered with its context."""
    assert _statement(out)["Effect"] == "Deny" and "usageIdentifierKey" not in out
    response = gateway_responses()["ACCESS_DENIED"]
    values = {
        "requestId": "r-1",
        "requestTime": "22/Nov/2026:07:55:00 +0000",
        **{f"authorizer.{k}": str(v) for k, v in out["context"].items()},
    }
    body = json.loads(render(response["ResponseTemplates"]["application/json"], values))
    assert response["StatusCode"] == "401"
    error: dict[str, Any] = body["error"]
    return error


def _api_key(stack: LocalStack, owner: str, role: Role) -> tuple[str, str]:
    svc = service(stack)
    principal = svc.authenticate(f"Bearer {token(stack, owner, role)}", None)
    assert principal is not None
    created = svc.create_key(principal, NewApiKey(name="authorizer test"))
    return created.key_id, created.api_key


def test_a_valid_token_gets_an_allow_policy_for_the_whole_api_and_the_principal(
    stack: LocalStack, authorizer: Call, usage_keys: dict[str, str]
) -> None:
    out = authorizer(AUTHORIZATION=f"Bearer {token(stack, 'authz-operator', Role.OPERATOR)}")
    statement = _statement(out)
    assert statement["Effect"] == "Allow"
    # One principal may call every route (handlers check each route's permission).
    assert statement["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"
    principal = json.loads(out["context"]["principal"])
    assert principal == {
        "username": "authz-operator",
        "roles": ["operator"],
        "kind": "user",
        "key_id": None,
        "reads_for": None,
    }
    assert out["principalId"] == "authz-operator"
    assert out["usageIdentifierKey"] == usage_keys["member"]


def test_admins_get_the_admin_usage_plan(
    stack: LocalStack, authorizer: Call, usage_keys: dict[str, str]
) -> None:
    out = authorizer(AUTHORIZATION=f"Bearer {token(stack, 'authz-admin', Role.ADMIN)}")
    assert out["usageIdentifierKey"] == usage_keys["admin"]


def test_api_keys_pass_as_authorization_apikey(stack: LocalStack, authorizer: Call) -> None:
    key_id, key = _api_key(stack, "authz-machine-owner", Role.OPERATOR)
    principal = json.loads(authorizer(AUTHORIZATION=f"ApiKey {key}")["context"]["principal"])
    assert principal["kind"] == "api_key" and principal["key_id"] == key_id


def test_a_machine_with_only_an_x_api_key_header_is_let_in(
    stack: LocalStack, authorizer: Call, usage_keys: dict[str, str]
) -> None:
    key_id, key = _api_key(stack, "authz-x-api-key-owner", Role.OPERATOR)
    out = authorizer("authorizer_api_key", API_KEY=key)
    assert _statement(out)["Effect"] == "Allow"
    principal = Principal.from_context(out["context"]["principal"])
    assert (principal.username, principal.kind, principal.key_id) == (
        "authz-x-api-key-owner",
        "api_key",
        key_id,
    )
    assert out["usageIdentifierKey"] == usage_keys["member"]
    # The principal the handlers then read from the request context can upload.
    assert principal.owner_scope == "authz-x-api-key-owner" and principal.roles == {Role.OPERATOR}


def _expired(stack: LocalStack, username: str) -> str:
    token(stack, username, Role.VIEWER)  # the user exists
    key = keyring.load(AuthSettings.model_validate(stack.api_environment())).signing_key()
    now = int(time.time())
    claims = {"sub": username, "roles": ["viewer"], "typ": "access", "ver": 0, "jti": "x"}
    claims |= {"iss": "paperlane", "aud": "paperlane-api", "iat": now - 7200, "exp": now - 3600}
    return jwt.encode(claims, key.secret, algorithm="HS256", headers={"kid": key.kid})


@pytest.mark.parametrize(
    ("authorization", "says"),
    [
        ("Bearer not.a.token", "malformed"),
        ("Basic Zm9vOmJhcg==", "must be 'Bearer <token>' or 'ApiKey <key>'"),
        ("ApiKey pl_00_zz", "API key is not valid"),
        ("", "Sign in first"),
    ],
)
def test_bad_credentials_get_a_401_that_says_which(authorizer: Call, authorization: str, says: str) -> None:
    error = _refusal(authorizer(AUTHORIZATION=authorization))
    assert error["code"] == "UNAUTHORIZED" and says in error["message"]
    assert error["details"] == {"request_id": "r-1"}


def test_expired_tokens_and_revoked_keys_are_told_apart(stack: LocalStack, authorizer: Call) -> None:
    expired = _refusal(authorizer(AUTHORIZATION=f"Bearer {_expired(stack, 'authz-late')}"))
    assert "expired" in expired["message"]
    key_id, key = _api_key(stack, "authz-revoker", Role.OPERATOR)
    owner = Principal(username="authz-revoker", roles=frozenset({Role.OPERATOR}))
    service(stack).revoke_key(owner, key_id)
    assert "revoked" in _refusal(authorizer("authorizer_api_key", API_KEY=key))["message"]


def test_verified_principals_are_reused_for_the_configured_time(stack: LocalStack, authorizer: Call) -> None:
    key_id, key = _api_key(stack, "authz-cached", Role.OPERATOR)
    assert _statement(authorizer("authorizer_api_key", API_KEY=key))["Effect"] == "Allow"
    service(stack).revoke_key(Principal(username="authz-cached", roles=frozenset({Role.OPERATOR})), key_id)
    # Within AUTHORIZER_CACHE_SECONDS (60 by default) the revoked key still passes: the documented
    # trade-off. Without the cache it is refused at once.
    assert _statement(authorizer("authorizer_api_key", API_KEY=key))["Effect"] == "Allow"
    uncached = authorizer("authorizer_api_key", extra_env={"AUTHORIZER_CACHE_SECONDS": "0"}, API_KEY=key)
    assert "revoked" in _refusal(uncached)["message"]


def test_a_broken_key_ring_is_a_server_error_not_a_refused_credential(
    stack: LocalStack, authorizer: Call, tmp_path: Path
) -> None:
    broken = tmp_path / "jwt-keys.json"
    broken.write_text("not json", encoding="utf-8")
    keyring.forget()
    try:
        with pytest.raises(KeyringError):
            authorizer(extra_env={"JWT_KEYS_FILE": str(broken)}, AUTHORIZATION="Bearer a.b.c")
    finally:
        keyring.forget()


def test_websocket_connect_authenticates_with_the_token_query_parameter(
    stack: LocalStack, authorizer: Call
) -> None:
    out = authorizer("authorizer_websocket", TOKEN=token(stack, "authz-dashboard", Role.VIEWER))
    statement = _statement(out)
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:ws0123/dev/$connect"
    assert json.loads(out["context"]["principal"])["username"] == "authz-dashboard"
    assert "usageIdentifierKey" not in out
    # The WebSocket API has no gateway responses: a refused $connect is API Gateway's plain 401.
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer("authorizer_websocket", TOKEN="not-a-token")
