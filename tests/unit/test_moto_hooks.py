"""The local stack hooks moto's internals. These fail loudly when an upgrade moves them."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import moto
from moto.awslambda.models import LambdaFunction

PINNED = "5.2.5"


def test_moto_is_the_pinned_version() -> None:
    assert moto.__version__ == version("moto") == PINNED, (
        "moto changed: re-check paperlane/local/lambda_runtime.py against the new LambdaFunction, then "
        "update PINNED and the pin in pyproject.toml"
    )


def test_lambda_invoke_hook_point_has_the_expected_shape() -> None:
    sig = inspect.signature(LambdaFunction._invoke_lambda)
    assert list(sig.parameters) == ["self", "event"]
    source = inspect.getsource(LambdaFunction.invoke)
    # invoke() must still route through _invoke_lambda and honour its (payload, errored, logs) triple.
    assert "self._invoke_lambda(event=body)" in source
    assert "res, errored, logs" in source


def test_pyproject_pins_moto_exactly() -> None:
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"moto[all,server]=={PINNED}"' in pyproject
