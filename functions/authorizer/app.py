"""Lambda authorizer (REQUEST) for the REST API: JWTs and API keys to an IAM policy and a principal."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from paperlane.auth.authorizer import authorize
from paperlane.auth.factory import auth_service
from paperlane.config import AuthSettings, load
from paperlane.observability import logger


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load(AuthSettings)
    return authorize(event, auth_service(settings), cache_seconds=settings.authorizer_cache_seconds)
