"""Run Lambda handlers in-process under moto.

moto runs function code only in Docker, and has no supported hook. We replace the private
``LambdaFunction._invoke_lambda`` (pinned moto version; tests/unit/test_moto_hooks.py fails if it changes)
with one that imports the handler from the function's CodeUri and calls it here. Each handler module
is loaded under its own name (every function's file is ``app.py``), runs with its own environment
(a context-local overlay, see paperlane.config) and may run on several threads at once, as Map does.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from paperlane.config import function_environment

log = logging.getLogger("paperlane.local")

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class LocalFunction:
    name: str
    logical_id: str
    code_dir: Path
    handler: str
    environment: dict[str, str]
    timeout: int = 30
    memory: int = 512
    arn: str = ""
    # Run in a worker process (PDF work): real parallelism, crash isolation and enforced timeouts.
    isolated: bool = False


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


@dataclass
class Invocation:
    function: str
    ok: bool
    seconds: float
    error_type: str | None = None
    started: float = 0.0


class HandlerCache:
    """Handler functions of this process, loaded once per function from the function's CodeUri."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def handler_for(self, fn: LocalFunction) -> Handler:
        with self._lock:  # two Map iterations must not import the same module twice at once
            if fn.name not in self._handlers:
                module_name, _, attr = fn.handler.rpartition(".")
                path = fn.code_dir / (module_name.replace(".", "/") + ".py")
                spec = importlib.util.spec_from_file_location(f"paperlane_function_{fn.logical_id}", path)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot load handler {fn.handler} from {path}")
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                self._handlers[fn.name] = getattr(module, attr)
            return self._handlers[fn.name]


def error_payload(error_type: str, message: str, trace: list[str] | None = None) -> str:
    # The Lambda runtime's shape: Step Functions takes errorType as the error name (Retry/Catch).
    return json.dumps({"errorType": error_type, "errorMessage": message, "stackTrace": trace or []})


def run_handler(cache: HandlerCache, fn: LocalFunction, event: Any) -> tuple[str, bool, str | None]:
    """Call the function's handler as the Lambda runtime would: (payload, errored, error type)."""
    context = LambdaContext(
        function_name=fn.name,
        invoked_function_arn=fn.arn,
        memory_limit_in_mb=fn.memory,
        timeout_seconds=fn.timeout,
        log_group_name=f"/aws/lambda/{fn.name}",
    )
    try:
        with function_environment({**fn.environment, "AWS_LAMBDA_FUNCTION_NAME": fn.name}):
            result = cache.handler_for(fn)(event, context)
        return json.dumps(result, default=str), False, None
    except Exception as exc:
        error_type = type(exc).__name__
        if not getattr(exc, "code", None):  # domain errors are expected outcomes, not bugs
            log.warning("%s raised %s", fn.logical_id, error_type, exc_info=exc)
        return error_payload(error_type, str(exc), traceback.format_tb(exc.__traceback__)), True, error_type


class Isolation(Protocol):
    def run(self, fn: LocalFunction, event: Any) -> tuple[str, bool, str | None]: ...


class InProcessLambdas:
    """The registry moto's hook consults: function name -> code to run here (or in a worker process)."""

    def __init__(self, isolation: Isolation | None = None) -> None:
        self._functions: dict[str, LocalFunction] = {}
        self._cache = HandlerCache()
        self._isolation = isolation
        self.invocations: list[Invocation] = []

    def register(self, fn: LocalFunction) -> None:
        self._functions[fn.name] = fn

    def get(self, name: str) -> LocalFunction | None:
        return self._functions.get(name)

    def invoke(self, fn: LocalFunction, event: Any) -> tuple[str, bool, str]:
        """Call the handler. Returns moto's (payload, errored, logs)."""
        started = time.monotonic()
        if fn.isolated and self._isolation is not None:
            payload, errored, error_type = self._isolation.run(fn, event)
        else:
            payload, errored, error_type = run_handler(self._cache, fn, event)
        self.invocations.append(
            Invocation(fn.logical_id, not errored, time.monotonic() - started, error_type, started)
        )
        return payload, errored, ""


_runtime: InProcessLambdas | None = None
_original: Callable[..., tuple[str, bool, str]] | None = None


def install(runtime: InProcessLambdas) -> None:
    """Route moto's Lambda invocations of registered functions to ``runtime``."""
    global _runtime, _original
    from moto.awslambda.models import LambdaFunction

    _runtime = runtime
    if _original is None:
        _original = LambdaFunction._invoke_lambda

        def _invoke_in_process(self: Any, event: Any = None) -> tuple[str, bool, str]:
            fn = _runtime.get(self.function_name) if _runtime else None
            if fn is None or _runtime is None:
                assert _original is not None
                return _original(self, event)
            return _runtime.invoke(fn, {} if event is None else event)

        LambdaFunction._invoke_lambda = _invoke_in_process  # type: ignore[method-assign]


def uninstall() -> None:
    global _runtime, _original
    from moto.awslambda.models import LambdaFunction

    if _original is not None:
        LambdaFunction._invoke_lambda = _original  # type: ignore[method-assign]
    _runtime, _original = None, None
