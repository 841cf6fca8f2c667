"""Download sources (admin): web pages or PDFs the scheduled downloader fetches into the inbox."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from paperlane import aws, clock, profiles
from paperlane.api.deps import SettingsDep, StoresDep
from paperlane.api.events import ConfigEventsDep
from paperlane.api.security import PrincipalDep
from paperlane.config import ApiSettings
from paperlane.errors import InvalidRequest, NotFound, PaperlaneError
from paperlane.fetch.errors import FetchRefused
from paperlane.fetch.guard import check_url
from paperlane.fetch.sources import MAX_FILES_LIMIT, SOURCE_ID_PATTERN, Source
from paperlane.pipeline.context import Stores

router = APIRouter(prefix="/api/v1/sources", tags=["sources"])
SourceId = Annotated[str, Path(min_length=1, max_length=64, pattern=SOURCE_ID_PATTERN)]
_URL_HELP = "https:// page or PDF (http only for localhost on the local stack); no credentials"


def _url_shape(url: str) -> str:
    # The shape here (a 422 like any field); whether loopback is allowed depends on where we run.
    try:
        return check_url(url.strip(), allow_loopback=True)
    except FetchRefused as exc:
        raise ValueError(exc.message) from None


class NewSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_id: str = Field(min_length=1, max_length=64, pattern=SOURCE_ID_PATTERN, examples=["city-notices"])
    url: str = Field(max_length=2048, description=_URL_HELP)
    profile: str | None = Field(default=None, description="Default: DEFAULT_PROFILE (generic)")
    max_files: int = Field(default=20, ge=1, le=MAX_FILES_LIMIT, description="Most PDF links taken per run")
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        return _url_shape(url)


class SourceChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2048, description=_URL_HELP)
    profile: str | None = None
    max_files: int | None = Field(default=None, ge=1, le=MAX_FILES_LIMIT)
    enabled: bool | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        return None if url is None else _url_shape(url)


class SourceList(BaseModel):
    items: list[Source]
    count: int


class FetchStarted(BaseModel):
    source_id: str
    status: Literal["started"] = "started"
    last_run_at: str | None = Field(
        description="The previous run's time: the new run has begun when it changes"
    )


@router.post(
    "",
    response_model=Source,
    status_code=status.HTTP_201_CREATED,
    summary="Add a source: a page (or PDF) whose PDFs are downloaded on every scheduled run",
)
def create_source(
    body: NewSource,
    stores: StoresDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    events: ConfigEventsDep,
) -> Source:
    source = Source(
        source_id=body.source_id,
        url=_allowed_url(body.url, settings),
        profile=_known_profile(body.profile or settings.default_profile, stores),
        enabled=body.enabled,
        max_files=body.max_files,
        created_by=principal.username,
        created_at=clock.iso(),
    )
    stores.sources.create(source)
    events.changed("source", "created", source.source_id)
    return source


@router.get("", response_model=SourceList, summary="Every source, by id, with its last run")
def list_sources(stores: StoresDep) -> SourceList:
    items = stores.sources.list()
    return SourceList(items=items, count=len(items))


@router.get("/{source_id}", response_model=Source, summary="One source and its last run")
def get_source(source_id: SourceId, stores: StoresDep) -> Source:
    return _existing(source_id, stores)


@router.patch("/{source_id}", response_model=Source, summary="Change a source's URL, profile, limit or state")
def update_source(
    source_id: SourceId,
    body: SourceChanges,
    stores: StoresDep,
    settings: SettingsDep,
    events: ConfigEventsDep,
) -> Source:
    changes: dict[str, Any] = body.model_dump(exclude_none=True)
    if "url" in changes:
        changes["url"] = _allowed_url(changes["url"], settings)
    if "profile" in changes:
        changes["profile"] = _known_profile(changes["profile"], stores)
    source = stores.sources.update(source_id, changes)
    if changes:
        events.changed("source", "updated", source_id)
    return source


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a source")
def delete_source(source_id: SourceId, stores: StoresDep, events: ConfigEventsDep) -> Response:
    if not stores.sources.delete(source_id):
        raise NotFound(f"No source named {source_id!r}.", details={"source_id": source_id})
    events.changed("source", "deleted", source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{source_id}/fetch",
    response_model=FetchStarted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a source now (even a disabled one); GET it to see the outcome",
)
def fetch_source(source_id: SourceId, stores: StoresDep, settings: SettingsDep) -> FetchStarted:
    source = _existing(source_id, stores)
    if not settings.fetch_function_name:
        raise PaperlaneError("FETCH_FUNCTION_NAME is not set: this deployment cannot run sources on demand.")
    # Asynchronous on AWS (the run can outlast API Gateway's 29 s); the local stack runs it before answering.
    aws.client("lambda").invoke(
        FunctionName=settings.fetch_function_name,
        InvocationType="Event",
        Payload=json.dumps({"source_id": source_id}).encode(),
    )
    return FetchStarted(source_id=source_id, last_run_at=source.last_run_at)


def _existing(source_id: str, stores: Stores) -> Source:
    source = stores.sources.get(source_id)
    if source is None:
        raise NotFound(f"No source named {source_id!r}.", details={"source_id": source_id})
    return source


def _allowed_url(url: str, settings: ApiSettings) -> str:
    try:
        return check_url(url, allow_loopback=settings.fetch_allow_loopback)
    except FetchRefused as exc:
        raise InvalidRequest(exc.message, details={"field": "url"}) from None


def _known_profile(name: str, stores: Stores) -> str:
    if profiles.is_built_in(name) or stores.profiles.get(name) is not None:
        return name
    custom = sorted(p.spec.name for p in stores.profiles.list())
    available = [*profiles.names(), *custom]
    raise InvalidRequest(
        f"Unknown profile {name!r}. Available profiles: {', '.join(available)}.",
        details={"field": "profile", "available": available},
    )
