"""Shared fixtures. The local stack is started once per session: moto state is global to the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from paperlane.local.quiet import quiet_logs


@pytest.fixture(scope="session")
def stack() -> Iterator[object]:
    from paperlane.local.stack import LocalStack

    quiet_logs("ERROR")
    with LocalStack() as local:
        yield local


@pytest.fixture(scope="session")
def run(stack: object) -> object:
    from paperlane.local.runner import Run

    return Run.on(stack)  # type: ignore[arg-type]
