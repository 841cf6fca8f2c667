"""A webhook receiver on this machine for tests: an HTTP server on a free loopback port that answers
every POST with 204 and keeps what it got (headers lower-cased, raw body)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    url: str
    hits: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@contextmanager
def webhook_receiver(path: str = "hooks") -> Iterator[Receiver]:
    """A running receiver; its ``url`` has a unique path under ``path``, so hooks never collide."""
    hits: list[tuple[dict[str, str], bytes]] = []

    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hits.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/{path}/{uuid.uuid4().hex[:12]}", hits)
    finally:
        server.shutdown()
        server.server_close()
