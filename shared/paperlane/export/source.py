"""Where exports read from: jobs and records in DynamoDB, lazily, page by page. Query only, never Scan.

- Batches: each batch's jobs from the jobs table's batch-index (JobRepository.list_jobs), then each
  job's records by key (RecordRepository.for_job). A batch is bounded, so its job list is held.
- Everything else (all, dateRange): the records table's profile-created-index, whose sort key
  "<created_at>#<job_id>#<n>" keeps a document's records together and documents in creation order,
  and makes a date range a key condition. Records are grouped per job as they stream; each job's
  metadata (file name, owner) is one GetItem.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from paperlane.errors import InvalidRequest, NotFound, TransientError
from paperlane.export.filters import ExportFilter
from paperlane.export.layout import Document, JobInfo
from paperlane.jobs import Batch, Job
from paperlane.storage.dynamo import from_item, translate
from paperlane.storage.jobs import JobRepository
from paperlane.storage.records import RecordRepository

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PROFILE_INDEX = "profile-created-index"
# Keys the records table adds to every record; not part of the record itself.
_RECORD_KEYS = ("pk", "sk", "profile", "kind", "created_sk", "record_owner", "record_date")
# BatchGetItem reads at most 100 keys per call.
_JOBS_PER_BATCH_GET = 100
_MAX_ATTEMPTS = 6
# Sorts after every character of an ISO timestamp: "<end_date>~" closes a date range inclusively.
_AFTER_DAY = "~"


@dataclass(frozen=True)
class Selection:
    """A checked filter: the profile is known and named batches exist."""

    filter: ExportFilter
    profile: str
    batches: list[Batch]


def _record(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _RECORD_KEYS}


def _job_info(job: Job) -> JobInfo:
    return JobInfo(job.job_id, job.filename, job.created_at, job.batch_id, job.owner)


class ExportSource:
    def __init__(
        self,
        jobs: JobRepository,
        records: RecordRepository,
        dynamodb: DynamoDBClient,
        records_table: str,
        *,
        jobs_table: str,
        page_size: int = 500,
    ) -> None:
        self._jobs = jobs
        self._records = records
        self._db = dynamodb
        self._records_table = records_table
        self._jobs_table = jobs_table
        self._page_size = page_size

    # ------------------------------------------------------------------ checking the filter

    def select(self, f: ExportFilter) -> Selection:
        """Resolve batches (NotFound for an unknown id or name) and the profile (InvalidRequest)."""
        batches = self._batches(f)
        profile = f.profile
        if profile is None:
            found = sorted({b.profile for b in batches})
            if len(found) != 1:
                problem = (
                    f"the batches have several profiles ({', '.join(found)})" if found else "it is required"
                )
                raise InvalidRequest(f"Pass profile: {problem}; one export holds one profile's layout.")
            profile = found[0]
        return Selection(filter=replace(f, profile=profile), profile=profile, batches=batches)

    def _batches(self, f: ExportFilter) -> list[Batch]:
        found: dict[str, Batch] = {}
        for batch_id in f.batch_ids:
            batch = self._jobs.get_batch(batch_id)
            if f.owner is not None and batch.owner != f.owner:
                raise NotFound(f"No batch with id {batch_id!r}.", details={"batch_id": batch_id})
            found[batch.batch_id] = batch
        if f.batch_names:
            wanted = {n.casefold(): n for n in f.batch_names}
            seen: set[str] = set()
            for batch in self._all_batches(f.owner):
                key = (batch.name or "").strip().casefold()
                if key in wanted:
                    seen.add(key)
                    found.setdefault(batch.batch_id, batch)
            if missing := [n for k, n in wanted.items() if k not in seen]:
                raise NotFound(f"No batch named {missing[0]!r}.", details={"batch_names": missing})
        return list(found.values())

    def _all_batches(self, owner: str | None) -> Iterator[Batch]:
        cursor = None
        while True:
            page = self._jobs.list_batches(owner=owner, limit=200, cursor=cursor)
            yield from page.items
            if not (cursor := page.next_cursor):
                return

    # ------------------------------------------------------------------ documents

    def documents(self, selection: Selection, kinds: tuple[str, ...]) -> Iterator[Document]:
        """The selected documents, oldest first, sliced by start_index/end_index; lazily."""
        f = selection.filter
        docs = (
            self._from_batches(selection, kinds) if selection.batches else self._from_index(selection, kinds)
        )
        return itertools.islice(docs, f.start_index, f.end_index)

    def estimate_documents(
        self, selection: Selection, kind: str, *, records_per_document: float, cap: int
    ) -> int:
        """About how many documents the selection holds before slicing, counting no further than
        ``cap``. Batches: their jobs of the profile. Otherwise the records of ``kind`` (Query with
        Select=COUNT on the profile index: no items travel) over the records per document seen."""
        if selection.batches:
            return min(cap, len(self._batch_jobs(selection)))
        per_document = max(records_per_document, 1e-9)
        most = math.ceil(cap * per_document)
        counted = 0
        kwargs = {**self._index_query(selection, (kind,)), "Select": "COUNT"}
        del kwargs["Limit"]  # count a megabyte of items per call
        while counted < most:
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            counted += int(resp.get("Count", 0))
            if not resp.get("LastEvaluatedKey"):
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        return min(cap, round(counted / per_document))

    def _batch_jobs(self, selection: Selection) -> list[Job]:
        """The batches' jobs of the profile, oldest first (a batch is bounded: its list is held)."""
        jobs: dict[str, Job] = {}
        for batch in selection.batches:
            cursor = None
            while True:
                page = self._jobs.list_jobs(
                    batch_id=batch.batch_id, owner=selection.filter.owner, limit=200, cursor=cursor
                )
                jobs.update((j.job_id, j) for j in page.items if j.profile == selection.profile)
                if not (cursor := page.next_cursor):
                    break
        return sorted(jobs.values(), key=lambda j: (j.created_at, j.job_id))

    def _from_batches(self, selection: Selection, kinds: tuple[str, ...]) -> Iterator[Document]:
        for job in self._batch_jobs(selection):
            records = {k: [_record(r) for r in self._records.for_job(job.job_id, k)] for k in kinds}
            if records[kinds[0]]:
                yield Document(_job_info(job), records)

    def _from_index(self, selection: Selection, kinds: tuple[str, ...]) -> Iterator[Document]:
        items = self._index_items(selection, kinds)
        pending: list[tuple[str, dict[str, list[dict[str, Any]]]]] = []
        for job_id, group in itertools.groupby(items, key=lambda item: str(item["pk"])):
            records: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
            for item in sorted(group, key=lambda item: str(item["sk"])):
                records[str(item["kind"])].append(_record(item))
            if records[kinds[0]]:
                pending.append((job_id, records))
            if len(pending) == _JOBS_PER_BATCH_GET:
                yield from self._named(selection, pending)
                pending = []
        yield from self._named(selection, pending)

    def _named(
        self, selection: Selection, pending: list[tuple[str, dict[str, list[dict[str, Any]]]]]
    ) -> Iterator[Document]:
        """The documents with their jobs' names and owners, read a hundred at a time (one GetItem each
        would cost a round trip per document: minutes for a large export)."""
        jobs = self._job_infos([job_id for job_id, _ in pending])
        owner = selection.filter.owner
        for job_id, records in pending:
            job = jobs.get(job_id)
            if job is None:  # records of a job that is gone: nothing to name them by
                continue
            if owner is not None and job.owner != owner:
                continue
            yield Document(job, records)

    def _job_infos(self, job_ids: list[str]) -> dict[str, JobInfo]:
        found: dict[str, JobInfo] = {}
        keys: list[dict[str, Any]] = [{"job_id": {"S": j}} for j in dict.fromkeys(job_ids)]
        request: dict[str, Any] = {
            self._jobs_table: {
                "Keys": keys,
                "ProjectionExpression": "job_id, filename, created_at, batch_id, #o",
                "ExpressionAttributeNames": {"#o": "owner"},
            }
        }
        if not keys:
            return found
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:  # unprocessed keys mean throttling: back off before asking again
                time.sleep(min(2.0, 0.05 * 2**attempt))
            try:
                resp = self._db.batch_get_item(RequestItems=request)
            except ClientError as exc:
                raise translate(exc) from exc
            for item in resp.get("Responses", {}).get(self._jobs_table, []):
                job = from_item(item)
                found[str(job["job_id"])] = JobInfo(
                    str(job["job_id"]),
                    str(job.get("filename") or ""),
                    str(job.get("created_at") or ""),
                    job.get("batch_id"),
                    job.get("owner"),
                )
            request = resp.get("UnprocessedKeys") or {}
            if not request:
                return found
        raise TransientError("DynamoDB kept throttling job reads; try the export again.")

    def _index_query(self, selection: Selection, kinds: Iterable[str]) -> dict[str, Any]:
        f = selection.filter
        names = {"#p": "profile", "#k": "kind"}
        values: dict[str, Any] = {":p": {"S": selection.profile}}
        key = "#p = :p"
        if f.start_date and f.end_date:
            key += " AND #c BETWEEN :lo AND :hi"
            names["#c"] = "created_sk"
            values[":lo"] = {"S": f.start_date.isoformat()}
            values[":hi"] = {"S": f.end_date.isoformat() + _AFTER_DAY}
        placeholders = []
        for i, kind in enumerate(kinds):
            values[f":k{i}"] = {"S": kind}
            placeholders.append(f":k{i}")
        return {
            "TableName": self._records_table,
            "IndexName": PROFILE_INDEX,
            "KeyConditionExpression": key,
            "FilterExpression": f"#k IN ({', '.join(placeholders)})",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "Limit": self._page_size,
        }

    def _index_items(self, selection: Selection, kinds: Iterable[str]) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            kwargs = self._index_query(selection, kinds)
            if start:
                kwargs["ExclusiveStartKey"] = start
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            for item in resp.get("Items", []):
                yield from_item(item)
            start = resp.get("LastEvaluatedKey")
            if not start:
                return
