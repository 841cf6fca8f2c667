"""Worker processes for the local stack's heavy functions, as Lambda gives each invocation its own sandbox.

Threads cannot run PyMuPDF in parallel (it holds the GIL), a segfault in a native library would take
the whole stack down, and a hung file could never be stopped. So functions that parse PDFs run in a
pool of spawned processes that reach moto through its HTTP endpoint (``AWS_ENDPOINT_URL``):
- Map iterations use every core;
- a crashed worker becomes ``Runtime.ExitError`` for that invocation, and the stack goes on;
- an invocation past its function's Timeout is killed and reported as ``Sandbox.Timedout``.

Killing a worker breaks the pool for the invocations sharing it; those are run once more on a fresh
pool, so only the invocation that crashed or hung fails.

As on Lambda, a function's Timeout covers its handler, not the sandbox's start: a fresh pool's workers
start (spawn, imports) before the clock runs, within ``INIT_TIMEOUT_SECONDS``. Otherwise a busy machine
would time out invocations that never got to run.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from paperlane.local.lambda_runtime import HandlerCache, LocalFunction, error_payload, run_handler

log = logging.getLogger("paperlane.local")

_cache: HandlerCache | None = None
INIT_TIMEOUT_SECONDS = 120.0


def _init_worker(env: dict[str, str]) -> None:
    global _cache
    os.environ.update(env)
    from paperlane.local.quiet import quiet_logs

    quiet_logs(env.get("PAPERLANE_LOCAL_LOG_LEVEL", "WARNING"))
    _cache = HandlerCache()


def _invoke(fn: LocalFunction, event: Any) -> tuple[str, bool, str | None]:
    assert _cache is not None
    # A worker runs one invocation at a time, so, as on Lambda, the function's variables can be the
    # process environment itself (code that reads os.environ directly sees them too).
    saved = dict(os.environ)
    os.environ.update(fn.environment)
    try:
        return run_handler(_cache, fn, event)
    finally:
        os.environ.clear()
        os.environ.update(saved)


class WorkerPool:
    def __init__(self, env: dict[str, str], size: int) -> None:
        self._env = env
        self._size = max(1, size)
        self._executor: ProcessPoolExecutor | None = None
        self._starting: list[Future[int]] = []
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn, not fork: this process runs threads (moto's server, Map iterations).
                self._executor = ProcessPoolExecutor(
                    max_workers=self._size,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker,
                    initargs=(self._env,),
                )
                # One no-op per worker makes the pool start them all now; run() waits for these.
                self._starting = [self._executor.submit(os.getpid) for _ in range(self._size)]
            return self._executor

    def warm(self) -> None:
        """Start the workers now, in the background, so the first document does not wait for them."""
        self._pool()

    def _started(self, pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """The pool once its workers have started (the init phase, outside the function's Timeout)."""
        with self._lock:
            starting = list(self._starting) if pool is self._executor else []
        for future in starting:
            try:
                future.result(timeout=INIT_TIMEOUT_SECONDS)
            except (FutureTimeout, BrokenProcessPool):
                break  # the invocation itself will time out or see the broken pool
        return pool

    def run(self, fn: LocalFunction, event: Any) -> tuple[str, bool, str | None]:
        for attempt in (1, 2):
            pool = self._started(self._pool())
            future: Future[tuple[str, bool, str | None]] = pool.submit(_invoke, fn, event)
            try:
                return future.result(timeout=fn.timeout)
            except FutureTimeout:
                self._discard(pool, kill=True)
                message = f"Task timed out after {fn.timeout} seconds"
                return error_payload("Sandbox.Timedout", message), True, "Sandbox.Timedout"
            except BrokenProcessPool:
                self._discard(pool, kill=False)
                if attempt == 2:
                    log.error("%s: the worker process exited twice on the same event", fn.logical_id)
        message = "The function's process exited unexpectedly (a crash in native code)."
        return error_payload("Runtime.ExitError", message), True, "Runtime.ExitError"

    def _discard(self, pool: ProcessPoolExecutor, *, kill: bool) -> None:
        with self._lock:
            if self._executor is not pool:
                return  # another invocation already replaced it
            self._executor = None
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
