"""boto3 clients, created once per service and lazily (never at import time)."""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient

_lock = threading.Lock()
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60)


@cache
def _client(service: str) -> Any:
    # boto3.client is not thread-safe while it builds the client; the clients themselves are.
    with _lock:
        return boto3.session.Session().client(service, config=_CONFIG)  # type: ignore[call-overload]


def s3() -> S3Client:
    return _client("s3")  # type: ignore[no-any-return]


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")  # type: ignore[no-any-return]


def sqs() -> SQSClient:
    return _client("sqs")  # type: ignore[no-any-return]


def stepfunctions() -> SFNClient:
    return _client("stepfunctions")  # type: ignore[no-any-return]


@cache
def s3_at(endpoint_url: str) -> S3Client:
    """An S3 client for another endpoint, used to presign URLs that browsers reach (the local stack)."""
    with _lock:
        return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=_CONFIG)


def client(service: str) -> Any:
    """Any other service's client (the local stack uses this for iam, events, lambda)."""
    return _client(service)


def reset_clients() -> None:
    """Forget cached clients (the local stack calls this when it starts moto)."""
    _client.cache_clear()
    s3_at.cache_clear()
