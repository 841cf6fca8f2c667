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

    def estimate_documents(
        self, selection: Selection, kind: str, *, records_per_document: float, cap: int
    ) -> int:
        return min(cap, len(self.docs))


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


def test_exports_too_large_for_a_request_name_the_asynchronous_export() -> None:
    limits = service.Limits(10, 10**6, sync_max_rows=100)
    with pytest.raises(service.ExportTooLarge) as raised:
        _run(_deeds(50), "csv", limits, start_date="2025-01-01", end_date="2025-01-31")
    details = raised.value.details
    assert raised.value.http_status == 413 and details["max_rows"] == 100
    # 3 rows a deed (1 seller, 2 buyers) in the rows read ahead, 50 deeds.
    assert details["estimated_rows"] == 150
    assert details["async_export"] == {
        "method": "POST",
        "path": "/api/v1/exports",
        "body": {
            "profile": "sale_deed",
            "download_type": "dateRange",
            "start_date": "2025-01-01",
            "end_date": "2025-01-31",
            "format": "csv",
        },
    }


def test_a_slice_small_enough_for_a_request_is_written() -> None:
    limits = service.Limits(10, 10**6, sync_max_rows=100)
    result, _ = _run(_deeds(50), "csv", limits, start_index=10, end_index=40)
    assert isinstance(result, service.StoredExport) and result.rows == 90
    with pytest.raises(service.ExportTooLarge, match="about 117 rows"):
        _run(_deeds(50), "csv", limits, start_index=11)
