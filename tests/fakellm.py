"""A fake OpenAI-compatible server for tests (the HTTP client under test is real), and a way to point
the local stack's functions at it, as the LlmBackend template parameter would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from paperlane.local.stack import LocalStack


class FakeModel:
    """Answers every chat completion with ``answer`` (a JSON object) and records the requests.

    ``down_for``: the first that many requests get HTTP 503, as from a model server that is down.
    """

    def __init__(self, answer: dict[str, Any], *, down_for: int = 0) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        self.refused = 0
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                model.requests.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                if len(model.requests) <= down_for:
                    model.refused += 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                reply = {
                    "choices": [
                        {
                            "message": {"role": "assistant", "content": json.dumps(model.answer)},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1200, "completion_tokens": 80},
                }
                payload = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeModel:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def llm_backend(stack: LocalStack, url: str, **settings: str) -> Iterator[None]:
    """Switch the deployed functions to the OpenAI-compatible backend at ``url`` for a block;
    ``settings`` are further LLM_* variables for the LLM function (retries, breaker)."""
    changes = {
        "PlanOcrFunction": {"LLM_BACKEND": "openai"},
        "LlmFunction": {
            "LLM_BACKEND": "openai",
            "LLM_BASE_URL": url,
            "LLM_MODEL_ID": "fake-model",
            **settings,
        },
    }
    saved: dict[str, dict[str, str]] = {}
    for logical_id, env in changes.items():
        fn = stack.lambdas.get(stack.physical_name(logical_id))
        assert fn is not None
        saved[logical_id] = dict(fn.environment)
        fn.environment.update(env)
    try:
        yield
    finally:
        for logical_id, env in saved.items():
            fn = stack.lambdas.get(stack.physical_name(logical_id))
            assert fn is not None
            fn.environment.clear()
            fn.environment.update(env)
