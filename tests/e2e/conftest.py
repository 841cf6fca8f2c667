"""Start `paperlane serve` as a user would, on free ports, with a drop folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from paperlane.local.stack import free_port


@dataclass
class Server:
    base: str
    inbox: Path
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    inbox, log = root / "inbox", root / "serve.log"
    port = free_port()
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
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
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
        yield Server(base=base, inbox=inbox, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
