"""Exports: a profile's records as Excel, CSV or NDJSON, filtered by batch, date or position.

Small exports are answered inline; large ones are written to S3 and answered with a 303 redirect to a
presigned URL (or JSON with the URL). openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from paperlane import aws
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.config import ExportSettings, load
from paperlane.export import filters, service
from paperlane.export.filters import ExportFormat, ExportQuery
from paperlane.export.source import ExportSource
from paperlane.export.store import ExportStore, disposition
from paperlane.pipeline.context import stores

router = APIRouter(prefix="/api/v1/export", tags=["export"])


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


def _export(
    fmt: ExportFormat, query: ExportQuery, settings: ExportSettings, principal: Principal
) -> Response:
    # Operators export their own documents; admins everyone's (viewers may not export at all).
    f = filters.parse(query, owner=None if principal.sees_all_jobs() else principal.username)
    st = stores(settings)
    source = ExportSource(st.jobs, st.records, aws.dynamodb(), settings.records_table)
    prepared = service.prepare(source, f, fmt)
    signer = aws.s3_at(settings.s3_public_endpoint) if settings.s3_public_endpoint else None
    store = ExportStore(aws.s3(), settings.documents_bucket, signer=signer)
    limits = service.Limits(settings.export_inline_max_rows, settings.export_inline_max_bytes)
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
}


@router.get(
    "/excel",
    summary="Records as an Excel workbook in the profile's layout",
    response_class=Response,
    responses={200: {"content": {service.MEDIA_TYPES["xlsx"]: {}}}, **_RESPONSES},
)
def export_excel(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("xlsx", query, settings, principal)


@router.get(
    "/csv",
    summary="Records as CSV (the workbook's main sheet)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_RESPONSES},
)
def export_csv(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("csv", query, settings, principal)


@router.get(
    "/json",
    summary="Records as NDJSON: one row object per line (the workbook's main sheet)",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}, **_RESPONSES},
)
def export_json(query: QueryDep, settings: ExportSettingsDep, principal: PrincipalDep) -> Response:
    return _export("json", query, settings, principal)
