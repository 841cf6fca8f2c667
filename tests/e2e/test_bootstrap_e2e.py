"""`paperlane serve` without PAPERLANE_ADMIN_PASSWORD: the first admin's password is generated and
printed once per start. The local user store lives in moto's memory, so every start begins empty:
a second start (same PAPERLANE_HOME) creates the admin again with a new password."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from paperlane.local.stack import free_port

pytestmark = pytest.mark.e2e

FIRST_ADMIN = re.compile(r"First admin: (\S+) / (\S+)")


@contextmanager
def _serve(home: Path, log: Path) -> Iterator[str]:
    port, s3_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERLANE_ADMIN_")}
    env |= {"PYTHONUNBUFFERED": "1", "PAPERLANE_HOME": str(home), "PAPERLANE_ADMIN_USERNAME": "boss"}
    cmd = [
        sys.executable,
        "-m",
        "paperlane.cli.main",
        "serve",
        "--port",
        str(port),
        "--s3-port",
        str(s3_port),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--log-level", "WARNING"], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"paperlane serve exited early:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"paperlane serve did not answer:\n{log.read_text()}"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _login(base: str, username: str, password: str) -> int:
    return httpx.post(f"{base}/auth/login", json={"username": username, "password": password}).status_code


def test_the_generated_admin_password_is_printed_once_per_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    passwords: list[str] = []
    for start in (1, 2):
        log = tmp_path / f"serve-{start}.log"
        with _serve(home, log) as base:
            text = log.read_text()
            found = FIRST_ADMIN.findall(text)
            assert len(found) == 1, text
            name, password = found[0]
            assert name == "boss" and text.count(password) == 1
            assert _login(base, "boss", password) == 200
            # No default admin, and no default password.
            assert _login(base, "admin", "admin") == 401
            assert _login(base, "boss", "admin") == 401
            if passwords:
                # The user store did not survive the restart: the old password is gone with it.
                assert password != passwords[0] and _login(base, "boss", passwords[0]) == 401
            passwords.append(password)
