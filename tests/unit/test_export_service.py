"""Inline or through S3: the read-ahead limits decide, with no AWS (a stub source and store)."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from typing import IO, Any

import pytest
from openpyxl import load_workbook

from paperlane.errors import NotFound
from paperlane.export import service, synthetic
from paperlane.export.filters import ExportFilter, ExportQuery, parse
from paperlane.export.layout import Document, JobInfo
from paperlane.export.source import Selection


class StubSource:
    def __init__(self, docs: list[Document]) -> None:
        self.docs = docs

    def select(self, f: ExportFilter) -> Selection:
        return Selection(filter=f, profile=f.profile or "sale_deed", batches=[])

    def documents(self, selection: Selection, kinds: tuple[str, ...]) -> Iterator[Document]:
        f = selection.filter
        return iter(self.docs[f.start_index : f.end_index])


class StubStore:
    def __init__(self) -> None:
        self.uploads: dict[str, bytes] = {}

    def upload(self, key: str, body: IO[bytes], *, content_type: str, filename: str) -> None:
        self.uploads[key] = body.read()


def _deeds(n: int) -> list[Document]:
    rng = random.Random(n)
    return [
        Document(
            JobInfo(f"{i:032x}", f"d{i}.pdf", "2025-01-01T00:00:00.000Z"), {"deed": [synthetic.deed(rng)]}
        )
        for i in range(n)
    ]


def _run(docs: list[Document], fmt: Any, limits: service.Limits, **params: Any) -> Any:
    f = parse(ExportQuery.model_validate({"profile": "sale_deed", **params}))
    prepared = service.prepare(StubSource(docs), f, fmt)  # type: ignore[arg-type]
    store = StubStore()
    return service.run_export(prepared, limits, store), store  # type: ignore[arg-type]


def test_small_exports_are_inline() -> None:
    result, store = _run(_deeds(3), "csv", service.Limits(100, 10**6))
    assert isinstance(result, service.InlineExport) and not store.uploads
    assert result.filename == "whole_data.csv" and result.rows == 9
    assert not isinstance(result.body, bytes)
    body = b"".join(result.body)
    assert body.count(b"\r\n") == 10


def test_exports_past_the_row_limit_go_to_the_store() -> None:
    result, store = _run(_deeds(5), "xlsx", service.Limits(4, 10**6))
    assert isinstance(result, service.StoredExport) and result.rows == 15
    assert result.key.startswith("exports/") and result.key.endswith("/whole_data.xlsx")
    wb = load_workbook(io.BytesIO(store.uploads[result.key]))
    assert wb["Sale_Deeds"].max_row == 16


def test_exports_past_the_byte_limit_go_to_the_store() -> None:
    result, _ = _run(_deeds(5), "json", service.Limits(10**6, 500))
    assert isinstance(result, service.StoredExport) and result.rows == 15


def test_nothing_to_export_is_not_found_and_says_what_was_asked() -> None:
    with pytest.raises(NotFound, match=r"No sale_deed documents with records in documents\[5:\]"):
        _run(_deeds(3), "csv", service.Limits(100, 10**6), start_index=5)
