"""The Lambda authorizer with API Gateway REQUEST events from events/authorizer.json, on the local stack."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from paperlane import aws
from paperlane.auth.models import NewApiKey
from paperlane.auth.roles import Role
from paperlane.config import function_environment
from paperlane.local.stack import LocalStack
from tests.auth_helpers import service, token
from tests.events import load_event

APP = Path(__file__).resolve().parents[2] / "functions" / "authorizer" / "app.py"


class _Context:
    function_name = "AuthorizerFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizerFunction"
    aws_request_id = "req-1"


@pytest.fixture(scope="module")
def authorizer(stack: LocalStack) -> Any:
    apigw = aws.client("apigateway")
    member = apigw.create_api_key(name="authenticated-usage", enabled=True)
    admin = apigw.create_api_key(name="admin-usage", enabled=True)
    env = {
        **stack.function_environment("AuthorizerFunction"),
        "AUTHENTICATED_USAGE_KEY_ID": member["id"],
        "ADMIN_USAGE_KEY_ID": admin["id"],
    }
    spec = importlib.util.spec_from_file_location("authorizer_app", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def call(authorization: str, event: str = "authorizer") -> dict[str, Any]:
        values = {"AUTHORIZATION": authorization} if event == "authorizer" else {"TOKEN": authorization}
        with function_environment(env):
            result: dict[str, Any] = module.handler(load_event(event, **values), _Context())
            return result

    call.usage_values = {"member": member["value"], "admin": admin["value"]}  # type: ignore[attr-defined]
    return call


def test_a_valid_token_gets_an_allow_policy_for_the_whole_api_and_the_principal(
    stack: LocalStack, authorizer: Any
) -> None:
    out = authorizer(f"Bearer {token(stack, 'authz-operator', Role.OPERATOR)}")
    statement = out["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Action"] == "execute-api:Invoke"
    # Cached per Authorization header: the policy must cover every route, not only this one.
    assert statement["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"
    principal = json.loads(out["context"]["principal"])
    assert principal == {"username": "authz-operator", "roles": ["operator"], "kind": "user", "key_id": None}
    assert out["principalId"] == "authz-operator"
    assert out["usageIdentifierKey"] == authorizer.usage_values["member"]


def test_admins_get_the_admin_usage_plan(stack: LocalStack, authorizer: Any) -> None:
    out = authorizer(f"Bearer {token(stack, 'authz-admin', Role.ADMIN)}")
    assert out["usageIdentifierKey"] == authorizer.usage_values["admin"]


def test_api_keys_pass_as_authorization_apikey(stack: LocalStack, authorizer: Any) -> None:
    svc = service(stack)
    owner = svc.authenticate(f"Bearer {token(stack, 'authz-machine-owner', Role.OPERATOR)}", None)
    assert owner is not None
    created = svc.create_key(owner, NewApiKey(name="authorizer test"))
    out = authorizer(f"ApiKey {created.api_key}")
    principal = json.loads(out["context"]["principal"])
    assert principal["kind"] == "api_key" and principal["key_id"] == created.key_id


@pytest.mark.parametrize("authorization", ["Bearer not.a.token", "Basic Zm9vOmJhcg==", "ApiKey pl_00_zz", ""])
def test_bad_credentials_raise_unauthorized_for_a_401(authorizer: Any, authorization: str) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(authorization)


def test_websocket_connect_authenticates_with_the_token_query_parameter(
    stack: LocalStack, authorizer: Any
) -> None:
    out = authorizer(token(stack, "authz-dashboard", Role.VIEWER), "authorizer_websocket")
    statement = out["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:ws0123/dev/$connect"
    assert json.loads(out["context"]["principal"])["username"] == "authz-dashboard"
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer("not-a-token", "authorizer_websocket")
