"""Start `paperlane serve` as a user would, on free ports, with a drop folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from paperlane.local.stack import free_port

ADMIN_PASSWORD = "e2e admin password 1"


@dataclass
class Server:
    base: str
    inbox: Path
    log: Path
    s3_endpoint: str = ""
    admin_token: str = ""

    def client(self) -> httpx.Client:
        """A client signed in as the first admin (signed in once: sign-in is rate-limited per address)."""
        return self.anonymous(headers={"Authorization": f"Bearer {self.admin_token}"})

    def anonymous(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    inbox, log = root / "inbox", root / "serve.log"
    port, s3_port = free_port(), free_port()
    cmd = [
        sys.executable,
        "-m",
        "paperlane.cli.main",
        "serve",
        "--port",
        str(port),
        "--inbox",
        str(inbox),
        "--log-level",
        "WARNING",
        "--s3-port",
        str(s3_port),
        # Webhook retries in seconds, not minutes, so the tests see a retry and the DLQ.
        "--env",
        "WEBHOOK_BACKOFF_BASE_SECONDS=0",
        "--env",
        "WEBHOOK_MAX_RETRIES=2",
        "--env",
        "WEBHOOK_TIMEOUT_SECONDS=2",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "PYTHONUNBUFFERED": "1",
                "PAPERLANE_HOME": str(root / "home"),
                "PAPERLANE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            },
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"paperlane serve exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"paperlane serve did not answer within 90 s:\n{log.read_text()}")
            time.sleep(0.3)
        login = httpx.post(f"{base}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        yield Server(
            base=base,
            inbox=inbox,
            log=log,
            s3_endpoint=f"http://127.0.0.1:{s3_port}",
            admin_token=login.json()["access_token"],
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
