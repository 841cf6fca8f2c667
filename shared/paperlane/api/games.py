"""Football games across coupons, and the leagues and clubs the profile knows."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from paperlane.api.deps import StoresDep
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.profiles.football import leagues
from paperlane.profiles.football.teams import clubs, normalize
from paperlane.storage.records import RecordQuery

router = APIRouter(prefix="/api/v1", tags=["games"])
PROFILE = "football_odds"
# Offsets cost reads (DynamoDB has no OFFSET); `total` counts every match, so both are bounded.
MAX_OFFSET = 100_000
_INTERNAL = ("pk", "sk", "profile", "kind", "created_sk", "record_owner", "record_date")


class GamesPage(BaseModel):
    games: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    filters: dict[str, str]


def game_query(
    principal: Principal,
    *,
    kind: str = "game",
    date: dt.date | None = None,
    league: str | None = None,
    team: str | None = None,
    created: tuple[dt.date, dt.date] | None = None,
) -> RecordQuery:
    """Which football records a caller may read, filtered: non-admins only one owner's coupons."""
    equals = {"league": league} if league else {}
    if (owner := principal.owner_scope) is not None:
        equals["record_owner"] = owner
    any_of = {}
    if team:
        # Aliases work: "Man Utd" finds Manchester United.
        canonical = normalize(team).canonical
        any_of = {"home_team": canonical, "away_team": canonical}
    return RecordQuery(
        profile=PROFILE,
        kind=kind,
        equals=equals,
        any_of=any_of,
        date=date.isoformat() if date else None,
        created=(created[0].isoformat(), created[1].isoformat()) if created else None,
    )


def public(record: dict[str, Any]) -> dict[str, Any]:
    return {"job_id": record["pk"], **{k: v for k, v in record.items() if k not in _INTERNAL}}


@router.get("/games", response_model=GamesPage, summary="Extracted games, newest coupons first")
def list_games(
    stores: StoresDep,
    principal: PrincipalDep,
    date: Annotated[dt.date | None, Query(description="Kick-off day, YYYY-MM-DD")] = None,
    league: Annotated[str | None, Query(max_length=100, description="e.g. Premier League")] = None,
    team: Annotated[str | None, Query(max_length=100, description="Home or away; aliases accepted")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> GamesPage:
    query = game_query(principal, date=date, league=league, team=team)
    found = stores.records.select(query)
    games = [public(r) for r in islice(found, offset, offset + limit)]
    # The rest of the matches only to count them: `total` is what the filters select.
    total = offset + len(games) + sum(1 for _ in islice(found, MAX_OFFSET))
    filters = {
        k: v
        for k, v in {"date": date.isoformat() if date else None, "league": league, "team": team}.items()
        if v
    }
    return GamesPage(games=games, total=total, limit=limit, offset=offset, filters=filters)


@router.get("/leagues", summary="The leagues the football profile recognises, with their countries")
def list_leagues() -> dict[str, Any]:
    known = [leagues.by_name(name) for name in leagues.names()]
    items = [{"name": lg.name, "country": lg.country} for lg in known if lg is not None]
    return {"leagues": items, "count": len(items)}


@router.get(
    "/teams", summary="The clubs of the curated table, with their aliases and those added at run time"
)
def list_teams(
    stores: StoresDep, league: Annotated[str | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    added: dict[str, list[str]] = {}
    for alias in stores.aliases.all():
        added.setdefault(alias.canonical, []).append(alias.alias)
    items = [
        {
            "name": c.canonical,
            "country": c.country,
            "league": c.league,
            "aliases": [*c.aliases, *added.get(c.canonical, [])],
        }
        for c in clubs(league)
    ]
    return {"teams": items, "count": len(items)}
