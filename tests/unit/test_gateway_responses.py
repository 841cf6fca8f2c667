"""API Gateway's own errors (template.yaml GatewayResponses) use the API's error envelope."""

from __future__ import annotations

import json

import pytest

from tests.gateway_responses import VARIABLE, gateway_responses, render

# Every $context variable a template may use, with a value of the shape API Gateway substitutes.
SAMPLE = {
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "requestTime": "22/Nov/2026:07:55:00 +0000",
    "error.responseType": "BAD_REQUEST_BODY",
    # API Gateway quotes (and escapes) this one itself.
    "error.messageString": json.dumps('Invalid request body: "name" is required'),
    # What the authorizer's Deny puts in its context (paperlane.auth.authorizer._deny).
    "authorizer.code": "UNAUTHORIZED",
    "authorizer.message": "The token has expired: sign in again or refresh it.",
}
RESPONSES = gateway_responses()


def test_the_responses_the_api_can_meet_are_all_customised() -> None:
    wanted = {
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "MISSING_AUTHENTICATION_TOKEN",
        "THROTTLED",
        "QUOTA_EXCEEDED",
        "AUTHORIZER_FAILURE",
        "AUTHORIZER_CONFIGURATION_ERROR",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    }
    assert wanted <= set(RESPONSES)


@pytest.mark.parametrize("response_type", sorted(RESPONSES))
def test_each_template_renders_to_the_error_envelope(response_type: str) -> None:
    template = RESPONSES[response_type]["ResponseTemplates"]["application/json"]
    assert set(VARIABLE.findall(template)) <= set(SAMPLE), "a $context variable nobody checked"
    body = json.loads(render(template, SAMPLE))
    assert list(body) == ["error"]
    error = body["error"]
    assert list(error) == ["code", "message", "details", "timestamp"]
    assert error["code"] and error["code"] == error["code"].upper(), error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["details"] == {"request_id": SAMPLE["requestId"]}
    assert error["timestamp"] == SAMPLE["requestTime"]


def test_a_refused_credential_is_a_401_that_says_why() -> None:
    denied = RESPONSES["ACCESS_DENIED"]
    assert denied["StatusCode"] == "401"
    assert denied["ResponseParameters"]["Headers"]["WWW-Authenticate"] == "'Bearer realm=paperlane'"
    error = json.loads(render(denied["ResponseTemplates"]["application/json"], SAMPLE))["error"]
    assert (error["code"], error["message"]) == ("UNAUTHORIZED", SAMPLE["authorizer.message"])
    assert RESPONSES["UNAUTHORIZED"]["StatusCode"] == "401"


@pytest.mark.parametrize("response_type", ["THROTTLED", "QUOTA_EXCEEDED"])
def test_throttling_is_a_429_with_retry_after(response_type: str) -> None:
    response = RESPONSES[response_type]
    assert response["StatusCode"] == "429"
    retry_after = response["ResponseParameters"]["Headers"]["Retry-After"]
    # A static header value is single-quoted in the template.
    assert retry_after.startswith("'") and int(retry_after.strip("'")) >= 1
    error = json.loads(render(response["ResponseTemplates"]["application/json"], SAMPLE))["error"]
    assert error["code"] == "RATE_LIMITED"


def test_the_fallbacks_keep_api_gateways_own_type_and_message() -> None:
    for response_type in ("DEFAULT_4XX", "DEFAULT_5XX"):
        template = RESPONSES[response_type]["ResponseTemplates"]["application/json"]
        error = json.loads(render(template, SAMPLE))["error"]
        assert error["code"] == "BAD_REQUEST_BODY"
        assert error["message"] == 'Invalid request body: "name" is required'
