"""Export query parameters: parsed and checked here, so the router and the CLI share one set of rules.

Which documents an export holds:
- ``download_type=all`` (the default without batch or date parameters): every document of the profile.
- ``batch``: the documents of the batches named by ``batch_ids`` and/or ``batch_names`` (required).
- ``dateRange``: documents created from ``start_date`` to ``end_date`` (UTC dates, both included).
A document is a job of the profile that has records. Documents are ordered by creation time (then
job id), oldest first; ``start_index`` (0-based, included) and ``end_index`` (excluded) then take a
slice of that order, like Python's ``documents[start_index:end_index]``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paperlane import ids
from paperlane.errors import InvalidRequest
from paperlane.jobs import Batch

DownloadType = Literal["all", "batch", "dateRange"]
ExportFormat = Literal["xlsx", "csv", "json"]
EXTENSIONS: dict[str, str] = {"xlsx": "xlsx", "csv": "csv", "json": "ndjson"}
_MAX_BATCHES = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class ExportFilters(BaseModel):
    """Which documents an export holds: the parameters every export form shares."""

    model_config = ConfigDict(extra="forbid")

    profile: str | None = Field(
        default=None,
        max_length=64,
        description="Profile whose layout the export uses; defaults to the selected batches' profile",
    )
    download_type: DownloadType | None = Field(
        default=None, description="all, batch or dateRange; inferred from the other parameters if absent"
    )
    batch_ids: str | None = Field(default=None, max_length=5000, description="Comma-separated batch ids")
    batch_names: str | None = Field(default=None, max_length=5000, description="Comma-separated batch names")
    start_date: dt.date | None = Field(default=None, description="YYYY-MM-DD, creation date (UTC), included")
    end_date: dt.date | None = Field(default=None, description="YYYY-MM-DD, creation date (UTC), included")
    start_index: int = Field(default=0, ge=0, description="First document (0-based, oldest first), included")
    end_index: int | None = Field(default=None, ge=1, description="Last document (0-based), excluded")


class ExportQuery(ExportFilters):
    """Query parameters of GET /api/v1/export/{excel,csv,json}."""

    redirect: bool = Field(
        default=True, description="Large exports: 303 to the file (true) or JSON with its URL (false)"
    )


@dataclass(frozen=True)
class ExportFilter:
    profile: str | None
    download_type: DownloadType
    batch_ids: tuple[str, ...] = ()
    batch_names: tuple[str, ...] = ()
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    start_index: int = 0
    end_index: int | None = None
    # Only this owner's jobs (non-admin users); None for all.
    owner: str | None = None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


class ExportRequest(ExportFilters):
    """Body of POST /api/v1/exports: the filters of the GET endpoints, and the format."""

    format: ExportFormat = Field(default="xlsx", description="xlsx, csv or json (NDJSON)")

    def filters(self) -> dict[str, Any]:
        """The filters as given (for the status, and to repeat the export)."""
        return self.model_dump(mode="json", exclude_defaults=True, exclude={"format"})


def parse(query: ExportFilters, *, owner: str | None = None) -> ExportFilter:
    """Check the parameters against each other; every problem is an InvalidRequest (400) saying which."""
    batch_ids, batch_names = _split(query.batch_ids), _split(query.batch_names)
    has_batches, has_dates = bool(batch_ids or batch_names), bool(query.start_date or query.end_date)
    kind: DownloadType = query.download_type or (
        "batch" if has_batches else "dateRange" if has_dates else "all"
    )
    if bad := [b for b in batch_ids if not ids.is_batch_id(b)]:
        raise InvalidRequest(
            f"batch_ids: {bad[0]!r} is not a batch id (batch ids look like b-1a2b3c4d5e6f7a8b).",
            details={"batch_ids": list(bad)},
        )
    if len(batch_ids) + len(batch_names) > _MAX_BATCHES:
        raise InvalidRequest(f"At most {_MAX_BATCHES} batches per export.")
    if kind == "batch" and not has_batches:
        raise InvalidRequest("download_type=batch needs batch_ids or batch_names (comma-separated).")
    if kind != "batch" and has_batches:
        raise InvalidRequest(f"batch_ids and batch_names apply to download_type=batch, not {kind}.")
    if kind == "dateRange" and not (query.start_date and query.end_date):
        raise InvalidRequest("download_type=dateRange needs both start_date and end_date (YYYY-MM-DD).")
    if kind != "dateRange" and has_dates:
        raise InvalidRequest(f"start_date and end_date apply to download_type=dateRange, not {kind}.")
    if query.start_date and query.end_date and query.end_date < query.start_date:
        raise InvalidRequest(
            f"end_date {query.end_date} is before start_date {query.start_date}.",
            details={"start_date": str(query.start_date), "end_date": str(query.end_date)},
        )
    if query.end_index is not None and query.end_index <= query.start_index:
        raise InvalidRequest(
            f"end_index ({query.end_index}) must be greater than start_index ({query.start_index}): "
            "documents[start_index:end_index], 0-based, end excluded.",
        )
    return ExportFilter(
        profile=query.profile,
        download_type=kind,
        batch_ids=batch_ids,
        batch_names=batch_names,
        start_date=query.start_date,
        end_date=query.end_date,
        start_index=query.start_index,
        end_index=query.end_index,
        owner=owner,
    )


def filename(f: ExportFilter, batches: list[Batch], fmt: ExportFormat) -> str:
    """whole_data, <batch name>, multiple_batches_<count> or <start>_to_<end>, with the format's extension."""
    if f.download_type == "dateRange":
        stem = f"{f.start_date}_to_{f.end_date}"
    elif f.download_type == "batch" and len(batches) == 1:
        stem = batch_stem(batches[0])
    elif f.download_type == "batch":
        stem = f"multiple_batches_{len(batches)}"
    else:
        stem = "whole_data"
    return f"{stem}.{EXTENSIONS[fmt]}"


def batch_stem(batch: Batch) -> str:
    """A batch name fit for a file name (and a Content-Disposition header): accents dropped to ASCII,
    every run of other characters (spaces, slashes, quotes) one "_"; the batch id when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", batch.name or "").encode("ascii", "ignore").decode()
    return _UNSAFE.sub("_", ascii_name).strip("._-")[:100] or batch.batch_id
