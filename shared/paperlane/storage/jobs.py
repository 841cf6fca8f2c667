"""Jobs and batches in the jobs table. Request paths use GetItem and Query only, never Scan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from paperlane import clock
from paperlane.errors import Conflict, NotFound
from paperlane.jobs import Batch, Job, JobError, JobStatus, Stage
from paperlane.storage.dynamo import (
    decode_cursor,
    encode_cursor,
    from_item,
    is_conditional_failure,
    to_item,
    translate,
    value,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_BATCH_PREFIX = "batch#"
# Attributes that live on the item but never leave the repository.
_PRIVATE = ("pdf_password", "listing", "execution_arn")


class JobPage(BaseModel):
    items: list[Job]
    next_cursor: str | None


class BatchPage(BaseModel):
    items: list[Batch]
    next_cursor: str | None


class JobRepository:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._db = client
        self._table = table

    # ------------------------------------------------------------------ create and read

    def create(self, job: Job, *, password: str | None = None) -> bool:
        """Insert the job unless one with its id exists. True when this call created it."""
        item = to_item(
            {
                **job.model_dump(mode="json", exclude={"progress_percent", "processing_time"}),
                "listing": "job",
                "pdf_password": password,
            }
        )
        try:
            self._db.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(job_id)"
            )
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    def get(self, job_id: str) -> Job:
        return Job.model_validate(self._get_raw(job_id))

    def find(self, job_id: str) -> Job | None:
        try:
            return self.get(job_id)
        except NotFound:
            return None

    def password(self, job_id: str) -> str | None:
        raw = self._get_raw(job_id)
        password = raw.get("pdf_password")
        return str(password) if password else None

    def execution_arn(self, job_id: str) -> str | None:
        arn = self._get_raw(job_id).get("execution_arn")
        return str(arn) if arn else None

    def _get_raw(self, job_id: str) -> dict[str, Any]:
        if job_id.startswith(_BATCH_PREFIX):
            raise NotFound(f"No job with id {job_id!r}.")
        try:
            resp = self._db.get_item(
                TableName=self._table, Key={"job_id": {"S": job_id}}, ConsistentRead=True
            )
        except ClientError as exc:
            raise translate(exc) from exc
        if "Item" not in resp:
            raise NotFound(f"No job with id {job_id!r}.", details={"job_id": job_id})
        return from_item(resp["Item"])

    # ------------------------------------------------------------------ state transitions

    def claim_attempt(self, job_id: str, attempt: int) -> bool:
        """Move a queued job from attempt-1 to attempt; False when someone else did it first."""
        return self._update(
            job_id,
            "SET attempt = :attempt, updated_at = :now",
            "#status = :queued AND attempt = :previous",
            {":attempt": attempt, ":previous": attempt - 1, ":queued": JobStatus.QUEUED.value},
        )

    def record_execution(self, job_id: str, execution_arn: str) -> None:
        self._update(job_id, "SET execution_arn = :arn", None, {":arn": execution_arn})

    def requeue(self, job_id: str, *, password: str | None) -> bool:
        """Reset a finished job so it can run again (a re-run, or a new password for an encrypted PDF)."""
        sets = "#status = :queued, current_stage = :stage, pages_done = :zero, pages_needing_ocr = :zero, "
        sets += "ocr_pages_total = :zero, ocr_pages_done = :zero, auto_process = :true, updated_at = :now"
        names_values: dict[str, Any] = {
            ":queued": JobStatus.QUEUED.value,
            ":stage": Stage.QUEUED.value,
            ":zero": 0,
            ":true": True,
        }
        if password:
            sets += ", pdf_password = :pw"
            names_values[":pw"] = password
        expression = f"SET {sets} REMOVE #error, completed_at, started_at, result_key"
        return self._update(
            job_id,
            expression,
            "#status IN (:failed, :cancelled, :completed)",
            {
                **names_values,
                ":failed": JobStatus.FAILED.value,
                ":cancelled": JobStatus.CANCELLED.value,
                ":completed": JobStatus.COMPLETED.value,
            },
        )

    def mark_running(self, job_id: str, stage: Stage) -> bool:
        return self._update(
            job_id,
            "SET #status = :running, current_stage = :stage, updated_at = :now, "
            "started_at = if_not_exists(started_at, :now)",
            "#status IN (:queued, :running)",
            {":running": JobStatus.RUNNING.value, ":queued": JobStatus.QUEUED.value, ":stage": stage.value},
        )

    def set_stage(
        self, job_id: str, stage: Stage, *, page_count: int | None = None, ocr_pages: int | None = None
    ) -> bool:
        expression = "SET current_stage = :stage, updated_at = :now"
        values: dict[str, Any] = {":stage": stage.value, ":running": JobStatus.RUNNING.value}
        if page_count is not None:
            expression += ", page_count = :pages"
            values[":pages"] = page_count
        if ocr_pages is not None:
            expression += ", ocr_pages_total = :ocr_total, ocr_pages_done = :zero"
            values[":ocr_total"] = ocr_pages
            values[":zero"] = 0
        return self._update(job_id, expression, "#status = :running", values)

    def add_pages(self, job_id: str, *, done: int, needing_ocr: int) -> bool:
        return self._update(
            job_id,
            "ADD pages_done :done, pages_needing_ocr :ocr SET updated_at = :now",
            "#status = :running",
            {":done": done, ":ocr": needing_ocr, ":running": JobStatus.RUNNING.value},
        )

    def add_ocr_page(self, job_id: str) -> bool:
        return self._update(
            job_id,
            "ADD ocr_pages_done :one SET updated_at = :now",
            "#status = :running",
            {":one": 1, ":running": JobStatus.RUNNING.value},
        )

    def complete(self, job_id: str, *, result_key: str, summary: dict[str, Any]) -> bool:
        return self._update(
            job_id,
            "SET #status = :completed, current_stage = :done, result_key = :key, summary = :summary, "
            "completed_at = :now, updated_at = :now REMOVE pdf_password",
            "#status = :running",
            {
                ":completed": JobStatus.COMPLETED.value,
                ":done": Stage.DONE.value,
                ":key": result_key,
                ":summary": summary,
                ":running": JobStatus.RUNNING.value,
            },
        )

    def fail(self, job_id: str, error: JobError) -> bool:
        """Record a failure, unless the job was cancelled or completed meanwhile."""
        return self._update(
            job_id,
            "SET #status = :failed, #error = :error, completed_at = :now, updated_at = :now "
            "REMOVE pdf_password",
            "#status IN (:queued, :running)",
            {
                ":failed": JobStatus.FAILED.value,
                ":error": error.model_dump(),
                ":queued": JobStatus.QUEUED.value,
                ":running": JobStatus.RUNNING.value,
            },
        )

    def cancel(self, job_id: str) -> None:
        ok = self._update(
            job_id,
            "SET #status = :cancelled, completed_at = :now, updated_at = :now REMOVE pdf_password",
            "#status IN (:queued, :running)",
            {
                ":cancelled": JobStatus.CANCELLED.value,
                ":queued": JobStatus.QUEUED.value,
                ":running": JobStatus.RUNNING.value,
            },
        )
        if not ok:
            job = self.get(job_id)
            raise Conflict(
                f"Job {job_id} is already {job.status.value}; only queued or running jobs can be cancelled.",
                details={"status": job.status.value},
            )

    def _update(self, job_id: str, expression: str, condition: str | None, values: dict[str, Any]) -> bool:
        values = {**values, ":now": clock.iso()}
        names = {
            k: v
            for k, v in (("#status", "status"), ("#error", "error"))
            if k in expression or (condition and k in condition)
        }
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"job_id": {"S": job_id}},
            "UpdateExpression": expression,
            "ExpressionAttributeValues": {
                k: value(v) for k, v in values.items() if k in expression or (condition and k in condition)
            },
        }
        kwargs["ConditionExpression"] = (
            f"attribute_exists(job_id) AND ({condition})" if condition else "attribute_exists(job_id)"
        )
        if names:
            kwargs["ExpressionAttributeNames"] = names
        try:
            self._db.update_item(**kwargs)
        except ClientError as exc:
            if is_conditional_failure(exc):
                return False
            raise translate(exc) from exc
        return True

    # ------------------------------------------------------------------ listings

    def list_jobs(
        self,
        *,
        status: JobStatus | None = None,
        batch_id: str | None = None,
        owner: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """Newest first. The most selective filter picks the index; the others filter its pages."""
        filters: dict[str, Any] = {
            "status": status.value if status else None,
            "batch_id": batch_id,
            "owner": owner,
        }
        if batch_id:
            index, key = "batch-index", "batch_id"
        elif status:
            index, key = "status-created-index", "status"
        elif owner:
            index, key = "owner-index", "owner"
        else:
            index, key = "listing-created-index", "listing"
            filters["listing"] = "job"
        rest = {k: v for k, v in filters.items() if v is not None and k != key}
        raw, next_key = self._query(index, key, filters[key], rest, limit, cursor)
        return JobPage(items=[Job.model_validate(r) for r in raw], next_cursor=encode_cursor(next_key))

    def count_by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for status in JobStatus:
            total, start = 0, None
            while True:
                kwargs: dict[str, Any] = {
                    "TableName": self._table,
                    "IndexName": "status-created-index",
                    "Select": "COUNT",
                    "KeyConditionExpression": "#s = :s",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": {"S": status.value}},
                }
                if start:
                    kwargs["ExclusiveStartKey"] = start
                resp = self._db.query(**kwargs)
                total += resp["Count"]
                start = resp.get("LastEvaluatedKey")
                if not start:
                    break
            counts[status.value] = total
        return counts

    def _query(
        self, index: str, key: str, key_value: str, filters: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        names = {"#k": key}
        values = {":k": {"S": key_value}}
        clauses = []
        for i, (attr, val) in enumerate(filters.items()):
            names[f"#f{i}"] = attr
            values[f":f{i}"] = {"S": val}
            clauses.append(f"#f{i} = :f{i}")
        start = decode_cursor(cursor)
        found: list[dict[str, Any]] = []
        # With a filter, a page of the index may hold fewer matches than asked: keep reading until full.
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": index,
                "KeyConditionExpression": "#k = :k",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
                "ScanIndexForward": False,
                "Limit": limit - len(found),
            }
            if clauses:
                kwargs["FilterExpression"] = " AND ".join(clauses)
            if start:
                kwargs["ExclusiveStartKey"] = start
            try:
                resp = self._db.query(**kwargs)
            except ClientError as exc:
                raise translate(exc) from exc
            found.extend(from_item(i) for i in resp.get("Items", []))
            start = resp.get("LastEvaluatedKey")
            if not start or len(found) >= limit:
                return [_public(r) for r in found], start

    # ------------------------------------------------------------------ batches

    def create_batch(self, batch: Batch) -> None:
        item = {
            "job_id": _BATCH_PREFIX + batch.batch_id,
            "listing": "batch",
            "batch_ref": batch.batch_id,
            "batch_name": batch.name,
            "batch_owner": batch.owner,
            "profile": batch.profile,
            "batch_priority": batch.priority,
            "job_ids": batch.job_ids,
            "created_at": batch.created_at,
        }
        self._db.put_item(TableName=self._table, Item=to_item(item))

    def get_batch(self, batch_id: str) -> Batch:
        resp = self._db.get_item(
            TableName=self._table, Key={"job_id": {"S": _BATCH_PREFIX + batch_id}}, ConsistentRead=True
        )
        if "Item" not in resp:
            raise NotFound(f"No batch with id {batch_id!r}.", details={"batch_id": batch_id})
        return _batch(from_item(resp["Item"]))

    def find_batch(self, batch_id: str) -> Batch | None:
        try:
            return self.get_batch(batch_id)
        except NotFound:
            return None

    def add_to_batch(self, batch_id: str, job_id: str) -> None:
        self._db.update_item(
            TableName=self._table,
            Key={"job_id": {"S": _BATCH_PREFIX + batch_id}},
            UpdateExpression="SET job_ids = list_append(if_not_exists(job_ids, :empty), :new)",
            ExpressionAttributeValues={":empty": {"L": []}, ":new": {"L": [{"S": job_id}]}},
        )

    def list_batches(
        self, *, owner: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> BatchPage:
        filters = {"batch_owner": owner} if owner else {}
        raw, next_key = self._query("listing-created-index", "listing", "batch", filters, limit, cursor)
        return BatchPage(items=[_batch(r) for r in raw], next_cursor=encode_cursor(next_key))


def _public(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in _PRIVATE}


def _batch(raw: dict[str, Any]) -> Batch:
    return Batch(
        batch_id=raw["batch_ref"],
        name=raw.get("batch_name"),
        owner=raw.get("batch_owner"),
        profile=raw["profile"],
        priority=int(raw.get("batch_priority", 2)),
        job_ids=list(raw.get("job_ids", [])),
        created_at=raw["created_at"],
    )
