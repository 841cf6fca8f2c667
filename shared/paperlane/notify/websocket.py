"""The WebSocket protocol: connect, disconnect, and what a client may send.

Client -> server (one JSON object per frame; the WebSocket API routes on ``action``)::

    {"action": "subscribe", "job_id": "<32 hex>"}        # or "batch_id": "b-...", or "all": true
    {"action": "unsubscribe", "job_id": "<32 hex>"}      # the same three forms
    {"action": "echo", "data": {...}}                   # a liveness check; data comes back

Server -> client: ``{"type", "data", "timestamp"}`` (paperlane.notify.messages). A subscribe is
answered by ``subscribed``, then the current state of the job (or of each job of the batch, up to
100) as ``job_state``, so a late subscriber knows where things stand; live messages follow. A request
that cannot be served is answered by ``error {code, message}`` and the connection stays open.

Who may subscribe to what: admins and viewers to anything (``all`` included); operators to their own
jobs and batches only. Someone else's job is answered exactly like a missing one.

On AWS, handlers are called with API Gateway events (``handle``); the local stack's ``/ws`` calls
``WebSocketService`` directly. Replies go through the same ``Sender`` as live messages either way.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from paperlane import aws, ids
from paperlane.auth.roles import Principal
from paperlane.config import NotifySettings
from paperlane.errors import InvalidRequest, PaperlaneError
from paperlane.jobs import Job
from paperlane.notify import messages
from paperlane.notify.connections import (
    ALL,
    ConnectionRepository,
    batch_topic,
    decode_principal,
    job_topic,
)
from paperlane.notify.messages import Message, MessageType
from paperlane.notify.sender import Sender, sender_for
from paperlane.observability import logger
from paperlane.storage.jobs import JobRepository

MAX_FRAME_BYTES = 32 * 1024
MAX_STATE_JOBS = 100
_OK = {"statusCode": 200}


class ClientRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["subscribe", "unsubscribe", "echo"]
    job_id: str | None = Field(default=None, max_length=64)
    batch_id: str | None = Field(default=None, max_length=64)
    all: bool = False
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_target(self) -> ClientRequest:
        if self.action == "echo":
            return self
        chosen = [v for v in (self.job_id, self.batch_id, self.all) if v]
        if len(chosen) != 1:
            raise ValueError(f"{self.action} takes exactly one of job_id, batch_id or all: true")
        if self.job_id is not None and not ids.is_job_id(self.job_id):
            raise ValueError("job_id is 32 hexadecimal characters")
        if self.batch_id is not None and not ids.is_batch_id(self.batch_id):
            raise ValueError("batch_id looks like b-0123abcd")
        return self

    def topic(self) -> str:
        if self.job_id:
            return job_topic(self.job_id)
        if self.batch_id:
            return batch_topic(self.batch_id)
        return ALL

    def target(self) -> dict[str, Any]:
        if self.job_id:
            return {"job_id": self.job_id}
        if self.batch_id:
            return {"batch_id": self.batch_id}
        return {"all": True}


class WebSocketService:
    def __init__(self, connections: ConnectionRepository, jobs: JobRepository, sender: Sender) -> None:
        self._connections = connections
        self._jobs = jobs
        self._sender = sender

    def connect(self, connection_id: str, principal: Principal) -> None:
        self._connections.connect(connection_id, principal)
        logger.info("WebSocket connected", extra={"connection_id": connection_id, "auth": principal.kind})

    def disconnect(self, connection_id: str) -> None:
        self._connections.disconnect(connection_id)

    def receive(self, connection_id: str, body: str | None) -> None:
        """Handle one frame from the client; every answer goes back through the sender."""
        for reply in self._answer(connection_id, body):
            self._sender.send(connection_id, reply.to_json())

    def _answer(self, connection_id: str, body: str | None) -> list[Message]:
        try:
            request = _parse(body)
            if request.action == "echo":
                return [messages.message(MessageType.ECHO, request.data)]
            connection = self._connections.get(connection_id)
            if connection is None:
                return [messages.error("GONE", "This connection is unknown or expired: reconnect.")]
            if request.action == "unsubscribe":
                was = self._connections.unsubscribe(connection_id, request.topic())
                return [
                    messages.message(MessageType.UNSUBSCRIBED, {**request.target(), "was_subscribed": was})
                ]
            return self._subscribe(connection_id, connection.principal, request)
        except PaperlaneError as exc:
            return [messages.error(exc.code, exc.message)]

    def _subscribe(self, connection_id: str, principal: Principal, request: ClientRequest) -> list[Message]:
        if request.all and not principal.sees_all_jobs():
            return [
                messages.error(
                    "FORBIDDEN",
                    "Subscribing to all jobs needs the admin role: subscribe to the jobs (job_id) or "
                    "batches (batch_id) you may read.",
                )
            ]
        if not self._visible(principal, request):
            what = f"job {request.job_id!r}" if request.job_id else f"batch {request.batch_id!r}"
            return [messages.error("NOT_FOUND", f"No {what}.")]
        # Subscribe first, then read the state: a change in between reaches the client (perhaps twice,
        # never lost). job_state carries updated_at, so clients can drop a live message older than it.
        self._connections.subscribe(connection_id, request.topic())
        ack = messages.message(MessageType.SUBSCRIBED, request.target())
        return [ack, *(messages.state_of(job) for job in self._state(request))]

    def _visible(self, principal: Principal, request: ClientRequest) -> bool:
        if request.all:
            return True  # checked by the caller: admins only
        if request.job_id:
            job = self._jobs.find(request.job_id)
            exists, owner = job is not None, (job.owner if job else None)
        else:
            batch = self._jobs.find_batch(str(request.batch_id))
            exists, owner = batch is not None, (batch.owner if batch else None)
        return exists and principal.may_read(owner)

    def _state(self, request: ClientRequest) -> list[Job]:
        """The jobs whose current state a new subscriber gets first."""
        if request.job_id:
            job = self._jobs.find(request.job_id)
            return [job] if job else []
        if request.batch_id:
            return self._jobs.list_jobs(batch_id=request.batch_id, limit=MAX_STATE_JOBS).items
        return []


def _parse(body: str | None) -> ClientRequest:
    if not body:
        raise InvalidRequest('Send a JSON object, e.g. {"action": "subscribe", "job_id": "..."}.')
    if len(body.encode()) > MAX_FRAME_BYTES:
        raise InvalidRequest(f"Frames are at most {MAX_FRAME_BYTES} bytes.")
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidRequest("The frame is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidRequest('Send a JSON object, e.g. {"action": "subscribe", "job_id": "..."}.')
    try:
        return ClientRequest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise InvalidRequest(f"Invalid request: {problems}.") from None


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    text = str(error.get("msg", "")).removeprefix("Value error, ")
    if error.get("type") == "literal_error":
        return f"{where}: use subscribe, unsubscribe or echo"
    return f"{where}: {text}" if where else text


# ---------------------------------------------------------------------------- API Gateway events


def handle(event: dict[str, Any], service: WebSocketService) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    route = context.get("routeKey", "$default")
    connection_id = str(context.get("connectionId", ""))
    if route == "$connect":
        principal = principal_from(context)
        if principal is None:
            # The authorizer refuses first; reaching here without a principal is a wiring error.
            logger.warning("WebSocket $connect without a principal")
            return {"statusCode": 401}
        service.connect(connection_id, principal)
        return _OK
    if route == "$disconnect":
        service.disconnect(connection_id)
        return _OK
    service.receive(connection_id, event.get("body"))
    return _OK


def principal_from(request_context: dict[str, Any]) -> Principal | None:
    """The principal the Lambda authorizer put in the context (paperlane.auth.authorizer)."""
    raw = (request_context.get("authorizer") or {}).get("principal")
    if not raw:
        return None
    try:
        return decode_principal(str(raw))
    except (ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=8)
def websocket_service(settings: NotifySettings) -> WebSocketService:
    db = aws.dynamodb()
    return WebSocketService(
        ConnectionRepository(db, settings.connections_table, ttl_seconds=settings.connection_ttl_seconds),
        JobRepository(db, settings.jobs_table),
        sender_for(settings.websocket_endpoint),
    )
