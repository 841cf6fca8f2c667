"""`paperlane fetch [SOURCE_ID...]`: run download sources now and print what each run did.

The local stack keeps its state (the sources among it) in the `paperlane serve` process, so this goes
through its API, as an admin (``PAPERLANE_TOKEN`` or ``PAPERLANE_API_KEY``): ``POST
/api/v1/sources/{id}/fetch`` invokes the fetch function (locally, in-process, before answering; on AWS,
asynchronously), then the source is read until its ``last_run_at`` changes. The same command works
against a deployed stack (``--api <ApiUrl>``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any

from paperlane.cli.accounts import API_KEY_ENV, TOKEN_ENV

if TYPE_CHECKING:
    import httpx

DEFAULT_API = "http://127.0.0.1:8000"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fetch",
        help="Run download sources now (on a running `paperlane serve`, or --api) and print each run.",
    )
    p.add_argument(
        "source_ids", nargs="*", metavar="SOURCE_ID", help="Sources to run (default: every enabled one)"
    )
    p.add_argument("--api", default=DEFAULT_API, help=f"The API (default {DEFAULT_API})")
    p.add_argument("--timeout", type=float, default=900.0, help="Seconds to wait for each run (default 900)")


def fetch_now(source_ids: list[str], *, api: str, timeout: float) -> int:
    import httpx

    with client_for(api) as client:
        try:
            return run_fetch(client, source_ids, timeout=timeout)
        except httpx.TransportError as exc:
            print(
                f"paperlane fetch: cannot reach {api} ({type(exc).__name__}). Is `paperlane serve` running?",
                file=sys.stderr,
            )
            return 1


def client_for(api: str) -> httpx.Client:
    import httpx

    if os.environ.get(TOKEN_ENV):
        headers = {"Authorization": f"Bearer {os.environ[TOKEN_ENV]}"}
    elif os.environ.get(API_KEY_ENV):
        headers = {"X-API-Key": os.environ[API_KEY_ENV]}
    else:
        raise SystemExit(f"Set {TOKEN_ENV} (an admin's access token from POST /auth/login) or {API_KEY_ENV}.")
    return httpx.Client(base_url=api.rstrip("/"), headers=headers, timeout=httpx.Timeout(60, read=900))


def run_fetch(
    client: httpx.Client,
    source_ids: list[str],
    *,
    timeout: float,
    out: IO[str] | None = None,
    poll: float = 0.5,
) -> int:
    """Run the sources one after another; print one line each. 0 when every run was ok, else 1."""
    out = out or sys.stdout
    if not source_ids:
        listed = _json(client.get("/api/v1/sources"))
        source_ids = [s["source_id"] for s in listed["items"] if s["enabled"]]
        if not source_ids:
            print("No enabled sources: add one with POST /api/v1/sources.", file=out)
            return 0
    width = max(len(s) for s in source_ids)
    ok = True
    for source_id in source_ids:
        line, good = _run_one(client, source_id, timeout=timeout, poll=poll)
        print(f"{source_id:<{width}}  {line}", file=out)
        ok = ok and good
    return 0 if ok else 1


def _run_one(client: httpx.Client, source_id: str, *, timeout: float, poll: float) -> tuple[str, bool]:
    started = client.post(f"/api/v1/sources/{source_id}/fetch")
    if started.status_code != 202:
        return f"not run: {_message(started)}", False
    before = started.json()["last_run_at"]
    deadline = time.monotonic() + timeout
    while True:
        source = _json(client.get(f"/api/v1/sources/{source_id}"))
        if source["last_run_at"] != before:
            return _describe(source), source["last_status"] == "ok"
        if time.monotonic() > deadline:
            return (
                f"still running after {timeout:g} s (GET /api/v1/sources/{source_id} shows the outcome)",
                False,
            )
        time.sleep(poll)


def _describe(source: dict[str, Any]) -> str:
    line = f"files={source['last_files']} skipped={source['last_skipped']}"
    error = source.get("last_error")
    if source["last_status"] == "ok":
        return line + (f"  ok, but {error['code']}: {error['message']}" if error else "  ok")
    return f"{line}  error {error['code']}: {error['message']}" if error else f"{line}  error"


def _json(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise SystemExit(f"The API refused: {response.status_code} {_message(response)}")
    return response.json()


def _message(response: httpx.Response) -> str:
    try:
        return f"{response.json()['error']['code']}: {response.json()['error']['message']}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code} {response.text[:200]}"
