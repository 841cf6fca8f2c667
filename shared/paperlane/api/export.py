"""Exports: a profile's records as Excel, CSV or NDJSON, filtered by batch, date or position.

Small exports are answered inline; large ones are written to S3 and answered with a 303 redirect to a
presigned URL (or JSON with the URL); ones too large to write within the request (EXPORT_TOO_LARGE)
run as asynchronous exports: POST /api/v1/exports, then GET /api/v1/exports/{export_id} until it is
completed. openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from paperlane import aws
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.config import ExportSettings, load
from paperlane.export import filters, jobs, service
from paperlane.export.filters import ExportFormat, ExportQuery, ExportRequest
from paperlane.export.source import ExportSource
from paperlane.export.store import ExportStore, disposition
from paperlane.pipeline.context import stores

router = APIRouter(prefix="/api/v1", tags=["export"])


class ExportLink(BaseModel):
    """A large export, written to S3 (``redirect=false``)."""

    url: str = Field(description="Presigned GET URL of the file")
    filename: str
    key: str = Field(description="exports/<id>/<filename> in the documents bucket")
    rows: int = Field(description="Rows of the main sheet")
    expires_in: int = Field(description="Seconds the URL stays valid")


def get_export_settings(request: Request) -> ExportSettings:
    env = getattr(request.app.state, "environment", None)
    return ExportSettings.model_validate(env) if env is not None else load(ExportSettings)


ExportSettingsDep = Annotated[ExportSettings, Depends(get_export_settings)]
QueryDep = Annotated[ExportQuery, Query()]


def _owner(principal: Principal) -> str | None:
    # Operators export their own documents; admins everyone's (viewers may not export at all).
    return None if principal.sees_all_jobs() else principal.username


def _source(settings: ExportSettings) -> ExportSource:
    st = stores(settings)
    return ExportSource(
        st.jobs, st.records, aws.dynamodb(), settings.records_table, jobs_table=settings.jobs_table
    )


def _store(settings: ExportSettings) -> ExportStore:
    signer = aws.s3_at(settings.s3_public_endpoint) if settings.s3_public_endpoint else None
    return ExportStore(aws.s3(), settings.documents_bucket, signer=signer)


def _export(
    fmt: ExportFormat, query: ExportQuery, settings: ExportSettings, principal: Principal
) -> Response:
    f = filters.parse(query, owner=_owner(principal))
    prepared = service.prepare(_source(settings), f, fmt)
    store = _store(settings)
    limits = service.Limits(
        settings.export_inline_max_rows, settings.export_inline_max_bytes, settings.export_sync_max_rows
    )
    result = service.run_export(prepared, limits, store)
    if isinstance(result, service.InlineExport):
        headers = {"Content-Disposition": disposition(result.filename), "X-Export-Rows": str(result.rows)}
        if isinstance(result.body, bytes):
            return Response(result.body, media_type=result.media_type, headers=headers)
        return StreamingResponse(result.body, media_type=result.media_type, headers=headers)
    expires = settings.export_url_expiry_seconds
    url = store.url(result.key, result.filename, expires=expires)
    if query.redirect:
        return RedirectResponse(url, status_code=303)
    link = ExportLink(url=url, filename=result.filename, key=result.key, rows=result.rows, expires_in=expires)
    return JSONResponse(link.model_dump())


_RESPONSES: dict[int | str, dict[str, Any]] = {
    303: {"description": "Large export: the file is at the Location URL (presigned, S3)"},
    413: {"description": "EXPORT_TOO_LARGE: too many rows for a request; details.async_export: what to POST"},
}


@router.get(
    "/export/excel",
    summary="Records as an Excel workbook in the profile's layout",
    response_class=Response,
    responses={200: {"content": {service.MEDIA_TYPES["xlsx"]: {}}}, **_RESPONSES},
)
def export_excel(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("xlsx", query, settings, principal)


@router.get(
    "/export/csv",
    summary="Records as CSV (the workbook's main sheet)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_RESPONSES},
)
def export_csv(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("csv", query, settings, principal)


@router.get(
    "/export/json",
    summary="Records as NDJSON: one row object per line (the workbook's main sheet)",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}, **_RESPONSES},
)
def export_json(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("json", query, settings, principal)


# ------------------------------------------------------------------------------ asynchronous exports

ExportId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="From POST /api/v1/exports")]


class ExportJob(BaseModel):
    """An asynchronous export."""

    export_id: str
    status: jobs.ExportState = Field(description="queued, running, completed or failed")
    status_url: str = Field(description="GET it until status is completed or failed")
    format: ExportFormat
    request: dict[str, Any] = Field(description="The filters, as given")
    filename: str
    rows: int = Field(description="Rows of the main sheet (so far, while running)")
    created_at: str
    updated_at: str
    error: dict[str, str] | None = Field(default=None, description="{code, message} when failed")
    url: str | None = Field(default=None, description="Presigned GET URL of the file, once completed")
    expires_in: int | None = Field(default=None, description="Seconds the URL stays valid")


def _job(current: jobs.ExportStatus, store: ExportStore, settings: ExportSettings) -> ExportJob:
    job = ExportJob(
        status_url=f"/api/v1/exports/{current.export_id}",
        **current.model_dump(include=set(ExportJob.model_fields) & set(jobs.ExportStatus.model_fields)),
    )
    if current.status == "completed" and current.key:
        expires = settings.export_url_expiry_seconds
        job.url, job.expires_in = store.url(current.key, current.filename, expires=expires), expires
    return job


@router.post(
    "/exports",
    summary="Start an asynchronous export (any size): same filters as GET /export/*, and format",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportJob,
)
def start_export(body: ExportRequest, settings: ExportSettingsDep, principal: PrincipalDep) -> JSONResponse:
    store = _store(settings)
    started = jobs.start(
        _source(settings),
        store,
        body,
        requested_by=principal.username,
        owner=_owner(principal),
        invoke=jobs.lambda_invoker(settings.export_worker_function_name),
    )
    # The local stack has run it by now; on AWS the worker picks it up.
    current = jobs.load(store, started.export_id)
    job = _job(current, store, settings)
    return JSONResponse(job.model_dump(), status_code=202, headers={"Location": job.status_url})


@router.get(
    "/exports/{export_id}",
    summary="An asynchronous export: its status, rows, and a presigned URL once completed",
    response_model=ExportJob,
)
def get_export(export_id: ExportId, settings: ExportSettingsDep, principal: PrincipalDep) -> ExportJob:
    store = _store(settings)
    current = jobs.status(store, export_id, username=principal.username, sees_all=principal.sees_all_jobs())
    return _job(current, store, settings)
