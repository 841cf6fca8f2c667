"""Football games across coupons: listing with filters, a report, and how a fixture's odds moved."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from paperlane.api.deps import StoresDep
from paperlane.api.security import PrincipalDep
from paperlane.auth.roles import Principal
from paperlane.errors import InvalidRequest, NotFound
from paperlane.pipeline.context import Stores
from paperlane.profiles.football.reports import odds_movement, summarise
from paperlane.profiles.football.teams import normalize

router = APIRouter(prefix="/api/v1/games", tags=["games"])
PROFILE = "football_odds"
# Reports and trends read at most this many games: beyond, narrow the filters.
MAX_REPORT_GAMES = 5000
_INTERNAL = ("pk", "sk", "profile", "kind", "created_sk", "record_owner")

Date = Annotated[dt.date | None, Query(description="YYYY-MM-DD")]


class GamePage(BaseModel):
    items: list[dict[str, Any]]
    count: int
    next_cursor: str | None = None


def _filters(
    principal: Principal, league: str | None, team: str | None, start: dt.date | None, end: dt.date | None
) -> dict[str, Any]:
    equals: dict[str, str] = {}
    if league:
        equals["league"] = league
    if not principal.sees_all_jobs():
        equals["record_owner"] = principal.username
    any_of = None
    if team:
        # Aliases work too: "Man Utd" finds Manchester United.
        canonical = normalize(team).canonical
        any_of = {"home_team": canonical, "away_team": canonical}
    between = None
    if start or end:
        low = start.isoformat() if start else "0000-01-01"
        high = end.isoformat() if end else "9999-12-31"
        if low > high:
            raise InvalidRequest("uploaded_from is after uploaded_to.")
        # created_sk starts with the job's ISO creation time: whole days, both included.
        between = ("created_sk", low, high + "\uffff")
    return {"equals": equals, "any_of": any_of, "between": between}


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {"job_id": record["pk"], **{k: v for k, v in record.items() if k not in _INTERNAL}}


@router.get("", response_model=GamePage, summary="Extracted games, newest coupons first")
def list_games(
    stores: StoresDep,
    principal: PrincipalDep,
    league: Annotated[str | None, Query(max_length=100, description="e.g. Premier League")] = None,
    team: Annotated[str | None, Query(max_length=100, description="Home or away; aliases accepted")] = None,
    uploaded_from: Date = None,
    uploaded_to: Date = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> GamePage:
    filters = _filters(principal, league, team, uploaded_from, uploaded_to)
    rows, next_cursor = stores.records.by_profile(PROFILE, "game", **filters, limit=limit, cursor=cursor)
    items = [_public(r) for r in rows]
    return GamePage(items=items, count=len(items), next_cursor=next_cursor)


def _all_games(stores: Stores, filters: dict[str, Any]) -> list[dict[str, Any]]:
    rows, _ = stores.records.by_profile(PROFILE, "game", **filters, limit=MAX_REPORT_GAMES, cursor=None)
    return [_public(r) for r in rows]


@router.get("/report", summary="Games per league and date, average margins, favourites' strength")
def games_report(
    stores: StoresDep,
    principal: PrincipalDep,
    league: Annotated[str | None, Query(max_length=100)] = None,
    team: Annotated[str | None, Query(max_length=100)] = None,
    uploaded_from: Date = None,
    uploaded_to: Date = None,
) -> dict[str, Any]:
    games = _all_games(stores, _filters(principal, league, team, uploaded_from, uploaded_to))
    return {"games": len(games), "truncated": len(games) >= MAX_REPORT_GAMES, **summarise(games)}


@router.get("/trends", summary="How one fixture's odds moved across the coupons that listed it")
def games_trends(
    stores: StoresDep,
    principal: PrincipalDep,
    home_team: Annotated[str, Query(min_length=2, max_length=100)],
    away_team: Annotated[str, Query(min_length=2, max_length=100)],
    date: Date = None,
) -> dict[str, Any]:
    home, away = normalize(home_team).canonical, normalize(away_team).canonical
    filters = _filters(principal, None, home, None, None)
    games = [
        g
        for g in _all_games(stores, filters)
        if g.get("home_team") == home
        and g.get("away_team") == away
        and (date is None or g.get("date") == date)
    ]
    if not games:
        on = f" on {date.isoformat()}" if date else ""
        raise NotFound(f"No coupon lists {home} v {away}{on}.")
    by_job: dict[str, list[dict[str, Any]]] = {}
    for game in games:
        by_job.setdefault(game["job_id"], []).append(game)
    snapshots = [(stores.jobs.get(job_id).created_at, rows) for job_id, rows in by_job.items()]
    snapshots.sort(key=lambda s: dt.datetime.fromisoformat(s[0].replace("Z", "+00:00")))
    return {
        "home_team": home,
        "away_team": away,
        "coupons": len(snapshots),
        "movements": odds_movement(snapshots),
    }
