"""Documents: completed jobs with their extracted data (a deed's record, a coupon's games...)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from paperlane.api.access import owner_filter, result_of, visible_job
from paperlane.api.deps import StoresDep
from paperlane.api.security import PrincipalDep
from paperlane.jobs import JobStatus

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
# Offsets cost reads (DynamoDB has no OFFSET): past this, page with /api/v1/jobs and its cursor.
MAX_SKIP = 10_000


class DocumentSummary(BaseModel):
    document_id: str = Field(description="The job id")
    filename: str
    profile: str
    batch_id: str | None
    created_at: str
    completed_at: str | None
    summary: dict[str, int | float | str]


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    count: int
    skip: int
    limit: int
    has_more: bool


@router.get("", response_model=DocumentList, summary="Completed documents, newest first")
def list_documents(
    stores: StoresDep,
    principal: PrincipalDep,
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP, description="Documents to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    batch_id: Annotated[str | None, Query(pattern=r"^b-[0-9a-z]{6,40}$")] = None,
) -> DocumentList:
    wanted = skip + limit + 1  # one more tells whether another page exists
    found: list[Any] = []
    cursor = None
    while len(found) < wanted:
        page = stores.jobs.list_jobs(
            status=JobStatus.COMPLETED,
            batch_id=batch_id,
            owner=owner_filter(principal),
            limit=min(200, wanted - len(found)),
            cursor=cursor,
        )
        found.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    window = found[skip : skip + limit]
    items = [
        DocumentSummary(
            document_id=j.job_id,
            filename=j.filename,
            profile=j.profile,
            batch_id=j.batch_id,
            created_at=j.created_at,
            completed_at=j.completed_at,
            summary=j.summary,
        )
        for j in window
    ]
    return DocumentList(
        items=items, count=len(items), skip=skip, limit=limit, has_more=len(found) > skip + limit
    )


@router.get(
    "/{document_id}",
    summary="One document's extracted data (identity numbers masked for viewers)",
    responses={200: {"content": {"application/json": {}}}, 303: {"description": "Large: fetch from S3"}},
)
def get_document(document_id: str, stores: StoresDep, principal: PrincipalDep) -> Response:
    job = visible_job(stores, document_id, principal)
    result = result_of(stores, job, principal)
    if isinstance(result, Response):
        return result
    return JSONResponse(
        {"document_id": job.job_id, "filename": job.filename, "batch_id": job.batch_id, **result}
    )
