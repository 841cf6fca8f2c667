"""Where the files shared by the Paperlane workspace live, relative to this checkout.

The real-world corpus and the sample documents ship with the workspace (``../shared`` beside the
checkout), not with the repository. Tests that need them call these helpers, which skip the test
with a clear reason when the folder is missing.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def missing_reason(relative: str) -> str:
    """The skip reason for a test that needs ``../shared/<relative>``."""
    return f"../shared/{relative} is not beside the checkout (it ships only with the Paperlane workspace)"


def _folder(relative: str) -> Path:
    folder = SHARED / relative
    if not folder.is_dir():
        pytest.skip(missing_reason(relative))
    return folder


def corpus_dir() -> Path:
    """``../shared/corpus/real``: real-world PDFs and MANIFEST.tsv, which says what each must yield."""
    return _folder("corpus/real")


def samples_dir() -> Path:
    """``../shared/samples``: synthetic documents per extraction profile, each with its expected JSON."""
    return _folder("samples")


def corpus_manifest() -> list[dict[str, str]]:
    """The corpus MANIFEST.tsv rows (empty when ../shared is absent: parametrize with ``over_corpus``)."""
    path = SHARED / "corpus" / "real" / "MANIFEST.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def over_corpus(rows: list[dict[str, str]] | None = None) -> pytest.MarkDecorator:
    """Parametrize a test over corpus rows (all by default) as ``row``; one skipped case when absent."""
    params: list[Any] = (corpus_manifest() if rows is None else rows) or [
        pytest.param({}, marks=pytest.mark.skip(reason=missing_reason("corpus/real")))
    ]
    return pytest.mark.parametrize("row", params, ids=lambda row: row.get("file", "none"))
