"""Team aliases added at run time: documents processed from then on use them (operators add them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from paperlane import clock
from paperlane.api.deps import StoresDep
from paperlane.api.events import ConfigEventsDep
from paperlane.api.security import PrincipalDep
from paperlane.errors import InvalidRequest, NotFound
from paperlane.profiles.football.teams import club_by_name
from paperlane.profiles.football.text import key

router = APIRouter(prefix="/api/v1", tags=["games"])


class NewAlias(BaseModel):
    alias: str = Field(min_length=2, max_length=100, description="As coupons print it, e.g. 'Man Utd'")
    canonical: str = Field(min_length=2, max_length=100, description="The club's canonical name")


class AliasOut(BaseModel):
    alias: str
    canonical: str
    created_by: str
    created_at: str
    known_club: bool = Field(description="Whether the canonical name is a club of the curated table")


@router.post(
    "/teams/aliases",
    response_model=AliasOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add (or change) a team alias; documents processed from now on use it",
)
def add_alias(
    body: NewAlias, stores: StoresDep, principal: PrincipalDep, events: ConfigEventsDep
) -> AliasOut:
    from paperlane.storage.aliases import TeamAlias

    if not key(body.alias):
        raise InvalidRequest("The alias has no letters or digits.")
    alias = TeamAlias(
        alias=" ".join(body.alias.split()),
        canonical=" ".join(body.canonical.split()),
        created_by=principal.username,
        created_at=clock.iso(),
    )
    stores.aliases.put(alias)
    events.changed("team_alias", "created", alias.alias)
    return AliasOut(**alias.model_dump(), known_club=club_by_name(alias.canonical) is not None)


@router.get("/teams/aliases", summary="Aliases added at run time")
def list_aliases(stores: StoresDep) -> dict[str, Any]:
    items = [
        AliasOut(**a.model_dump(), known_club=club_by_name(a.canonical) is not None).model_dump()
        for a in sorted(stores.aliases.all(), key=lambda a: a.alias.lower())
    ]
    return {"aliases": items, "count": len(items)}


@router.delete(
    "/teams/aliases/{alias}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a run-time alias"
)
def delete_alias(
    alias: Annotated[str, Path(min_length=2, max_length=100)], stores: StoresDep, events: ConfigEventsDep
) -> Response:
    if not stores.aliases.delete(alias):
        raise NotFound(f"No run-time alias {alias!r}.")
    events.changed("team_alias", "deleted", alias)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
