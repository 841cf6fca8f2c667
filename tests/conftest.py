"""Shared fixtures. The local stack is started once per session: moto state is global to the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from paperlane.local.quiet import quiet_logs


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from paperlane.local.stack import LocalStack

    quiet_logs("ERROR")
    # The stack's JWT keys go to a throwaway home, never the developer's ~/.config/paperlane.
    home = tmp_path_factory.mktemp("paperlane-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLANE_HOME", str(home))
        with LocalStack() as local:
            yield local


@pytest.fixture(scope="session")
def run(stack: object) -> object:
    from paperlane.local.runner import Run

    return Run.on(stack)  # type: ignore[arg-type]
