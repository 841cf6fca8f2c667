"""Pushing a message to one WebSocket connection: API Gateway on AWS, in-process queues locally.

``send`` answers GONE when the connection no longer exists, so the caller forgets it. Other failures
(throttling, a payload API Gateway refuses) are logged and reported as FAILED, never raised: a live
progress message is not worth failing and re-running a whole stream batch for.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from paperlane.observability import logger

# Short timeouts: a slow post delays every later message of the stream batch.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=5)


class SendResult(StrEnum):
    SENT = "sent"
    GONE = "gone"
    FAILED = "failed"


class Sender(Protocol):
    def send(self, connection_id: str, payload: str) -> SendResult: ...


class ApiGatewaySender:
    """``post_to_connection`` through the API Gateway Management API of one WebSocket API stage."""

    def __init__(self, endpoint: str, *, client: Any = None) -> None:
        if client is None:
            # The Management API lives at the stage's own URL, so the client is made per endpoint.
            client = boto3.session.Session().client(
                "apigatewaymanagementapi", endpoint_url=endpoint, config=_CONFIG
            )
        self._client = client

    @property
    def client(self) -> Any:
        return self._client

    def send(self, connection_id: str, payload: str) -> SendResult:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=payload.encode())
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "GoneException":
                return SendResult.GONE
            logger.warning("Could not post to a WebSocket connection", extra={"error_code": code})
            return SendResult.FAILED
        return SendResult.SENT


class LocalSender:
    """The local stack's sockets: one queue per connection, read by the server's ``/ws`` endpoint.

    Thread-safe: notify runs on a Lambda thread of the local stack, the socket on the event loop. The
    server either reads the queue (``queue.get`` in a thread) or registers a callback, which is called
    on the sending thread (use ``loop.call_soon_threadsafe`` in it).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue[str]] = {}
        self._callbacks: dict[str, Callable[[str], None]] = {}

    def register(self, connection_id: str, callback: Callable[[str], None] | None = None) -> queue.Queue[str]:
        with self._lock:
            inbox = self._queues.setdefault(connection_id, queue.Queue())
            if callback is not None:
                self._callbacks[connection_id] = callback
            return inbox

    def unregister(self, connection_id: str) -> None:
        with self._lock:
            self._queues.pop(connection_id, None)
            self._callbacks.pop(connection_id, None)

    def send(self, connection_id: str, payload: str) -> SendResult:
        with self._lock:
            inbox = self._queues.get(connection_id)
            callback = self._callbacks.get(connection_id)
        if inbox is None:
            return SendResult.GONE
        if callback is not None:
            callback(payload)
        else:
            inbox.put(payload)
        return SendResult.SENT

    def drain(self, connection_id: str) -> list[str]:
        """Everything queued for a connection so far (tests, and a socket catching up)."""
        with self._lock:
            inbox = self._queues.get(connection_id)
        found: list[str] = []
        while inbox is not None:
            try:
                found.append(inbox.get_nowait())
            except queue.Empty:
                break
        return found


# The one the local stack's notify and websocket functions and its /ws endpoint share (one process).
LOCAL = LocalSender()
LOCAL_ENDPOINT = "local"


def sender_for(endpoint: str) -> Sender:
    if endpoint == LOCAL_ENDPOINT:
        return LOCAL
    if not endpoint:
        raise ValueError("WEBSOCKET_ENDPOINT is not set: the WebSocket API's https:// stage URL, or 'local'")
    return _api_gateway(endpoint)


_senders: dict[str, ApiGatewaySender] = {}
_senders_lock = threading.Lock()


def _api_gateway(endpoint: str) -> ApiGatewaySender:
    with _senders_lock:
        if endpoint not in _senders:
            _senders[endpoint] = ApiGatewaySender(endpoint)
        return _senders[endpoint]
