"""`/ws` on the local stack: the WebSocket API's protocol, served by the same code.

On AWS, API Gateway holds the sockets and the websocket function answers through the Management API.
Here the socket is FastAPI's, and the same ``WebSocketService`` and notify function reach it through
``paperlane.notify.sender.LOCAL`` (``WEBSOCKET_ENDPOINT=local``), all in this one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from paperlane.auth.factory import auth_service
from paperlane.config import AuthSettings, NotifySettings
from paperlane.errors import PaperlaneError
from paperlane.notify.sender import LOCAL
from paperlane.notify.websocket import websocket_service

# The close code for a refused handshake (RFC 6455 "policy violation"), as API Gateway's 401 would be.
POLICY_VIOLATION = 1008


def mount_live(app: FastAPI, websocket_env: dict[str, str], api_env: dict[str, str]) -> None:
    settings = NotifySettings.model_validate(websocket_env)
    auth = AuthSettings.model_validate(api_env)

    @app.websocket("/ws")
    async def live(ws: WebSocket, token: str | None = None) -> None:
        try:
            principal = await run_in_threadpool(
                auth_service(auth).authenticate, f"Bearer {token}" if token else None, None
            )
        except PaperlaneError:
            principal = None
        if principal is None:
            await ws.close(code=POLICY_VIOLATION, reason="Send ?token=<access token from POST /auth/login>")
            return
        await ws.accept()
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue[str] = asyncio.Queue()
        connection_id = uuid.uuid4().hex

        def deliver(payload: str) -> None:
            # notify runs on a Lambda thread of the local stack: hand its messages to this event loop.
            loop.call_soon_threadsafe(outbox.put_nowait, payload)

        LOCAL.register(connection_id, deliver)
        service = websocket_service(settings)
        await run_in_threadpool(service.connect, connection_id, principal)

        async def pump() -> None:
            while True:
                await ws.send_text(await outbox.get())

        sending = asyncio.create_task(pump())
        try:
            while True:
                text = await ws.receive_text()
                await run_in_threadpool(service.receive, connection_id, text)
        except WebSocketDisconnect:
            pass
        finally:
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            await run_in_threadpool(service.disconnect, connection_id)
            LOCAL.unregister(connection_id)
