"""Rate-limit settings: one set of per-role limits, from template parameters to the usage plans and
to the handlers' counters."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from paperlane.config import AuthSettings
from paperlane.local.template import Template

ROOT = Path(__file__).resolve().parents[2]


def test_the_dynamodb_backend_needs_its_table() -> None:
    with pytest.raises(ValidationError, match="RATE_LIMIT_TABLE"):
        AuthSettings.model_validate({"AUTH_TABLE": "auth", "RATE_LIMIT_BACKEND": "dynamodb"})
    ok = AuthSettings.model_validate(
        {"AUTH_TABLE": "auth", "RATE_LIMIT_BACKEND": "dynamodb", "RATE_LIMIT_TABLE": "limits"}
    )
    assert (ok.rate_limit_anonymous, ok.rate_limit_authenticated, ok.rate_limit_admin) == (100, 1000, 10_000)


@pytest.mark.parametrize(
    "overrides", [{}, {"RateLimitAuthenticatedPerMinute": "600", "RateLimitAdminPerMinute": "7"}]
)
def test_template_parameters_feed_the_usage_plans_and_the_handlers(overrides: dict[str, str]) -> None:
    template = Template(ROOT / "template.yaml", "us-east-1", parameters=dict(overrides))
    defaults = {"RateLimitAnonymousPerMinute": "100", "RateLimitAuthenticatedPerMinute": "1000"}
    limits = {**defaults, "RateLimitAdminPerMinute": "10000", **overrides}
    for function in ("AuthFunction", "UploadFunction", "StatusFunction", "ExportFunction"):
        settings = AuthSettings.model_validate(template.function_environment(function))
        assert settings.rate_limit_backend == "dynamodb"
        assert settings.rate_limit_table == template.physical_name("RateLimitTable")
        assert str(settings.rate_limit_anonymous) == limits["RateLimitAnonymousPerMinute"]
        assert str(settings.rate_limit_authenticated) == limits["RateLimitAuthenticatedPerMinute"]
        assert str(settings.rate_limit_admin) == limits["RateLimitAdminPerMinute"]
    for plan, parameter in (
        ("AuthenticatedUsagePlan", "RateLimitAuthenticatedPerMinute"),
        ("AdminUsagePlan", "RateLimitAdminPerMinute"),
    ):
        throttle = template.resolve(template.resources[plan]["Properties"]["Throttle"])
        assert throttle == {"RateLimit": limits[parameter], "BurstLimit": limits[parameter]}
