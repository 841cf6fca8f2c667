"""Football reports: the latest coupon, trends over days, and how a fixture's odds moved."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import islice
from statistics import mean
from typing import Annotated, Any

from fastapi import APIRouter, Query

from paperlane import clock
from paperlane.api.deps import StoresDep
from paperlane.api.games import game_query, public
from paperlane.api.security import PrincipalDep
from paperlane.errors import NotFound
from paperlane.profiles.football.reports import odds_movement, summarise
from paperlane.profiles.football.teams import normalize

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
# Reports read at most this many records: beyond, they say `truncated`.
MAX_RECORDS = 20_000


@router.get("/latest", summary="The most recent coupon: totals, leagues, anomalies and quality")
def latest(stores: StoresDep, principal: PrincipalDep) -> dict[str, Any]:
    newest = next(stores.records.select(game_query(principal)), None)
    if newest is None:
        raise NotFound("No football coupon has been processed yet.")
    job = stores.jobs.get(newest["pk"])
    games = [public(r) for r in stores.records.for_job(job.job_id, "game")]
    anomalies = [public(r) for r in stores.records.for_job(job.job_id, "anomaly")]
    summary = summarise(games)
    return {
        "job_id": job.job_id,
        "filename": job.filename,
        "summary": {
            "total_games": len(games),
            "leagues_processed": len({g.get("league") for g in games if g.get("league")}),
            "teams_normalized": job.summary.get("teams_normalized", 0),
            "anomalies_detected": len(anomalies),
            "processing_time": job.processing_time,
        },
        "data": {
            "league_breakdown": summary,
            "anomalies": anomalies,
            "quality_metrics": {
                "teams_unmatched": job.summary.get("teams_unmatched", 0),
                "games_without_1x2": job.summary.get("games_without_1x2", 0),
                "errors": sum(1 for a in anomalies if a.get("severity") == "error"),
                "warnings": sum(1 for a in anomalies if a.get("severity") == "warning"),
            },
        },
    }


@router.get("/trends", summary="Games, leagues, processing and anomalies per upload day")
def trends(
    stores: StoresDep,
    principal: PrincipalDep,
    days: Annotated[int, Query(ge=1, le=365, description="How many days back, today included")] = 30,
) -> dict[str, Any]:
    today = clock.now().date()
    window = (today - dt.timedelta(days=days - 1), today)
    games = list(islice(stores.records.select(game_query(principal, created=window)), MAX_RECORDS))
    anomalies = list(
        islice(stores.records.select(game_query(principal, kind="anomaly", created=window)), MAX_RECORDS)
    )
    per_day: Counter[str] = Counter()
    leagues: dict[str, Counter[str]] = defaultdict(Counter)
    jobs_per_day: dict[str, set[str]] = defaultdict(set)
    for game in games:
        day = game["created_sk"][:10]
        per_day[day] += 1
        leagues[day][game.get("league") or "unknown"] += 1
        jobs_per_day[day].add(game["pk"])
    anomaly_days: dict[str, Counter[str]] = defaultdict(Counter)
    for anomaly in anomalies:
        anomaly_days[anomaly["created_sk"][:10]][anomaly.get("type", "unknown")] += 1
    performance = {}
    for day, job_ids in sorted(jobs_per_day.items()):
        times = [t for j in job_ids if (t := stores.jobs.get(j).processing_time) is not None]
        performance[day] = {
            "documents": len(job_ids),
            "mean_processing_seconds": round(mean(times), 3) if times else None,
        }
    return {
        "days": days,
        "from": window[0].isoformat(),
        "to": window[1].isoformat(),
        "truncated": len(games) >= MAX_RECORDS or len(anomalies) >= MAX_RECORDS,
        "games_per_day": dict(sorted(per_day.items())),
        "league_activity": {day: dict(c) for day, c in sorted(leagues.items())},
        "processing_performance": performance,
        "anomaly_trends": {day: dict(c) for day, c in sorted(anomaly_days.items())},
    }


@router.get("/odds-movement", summary="How one fixture's odds moved across the coupons that listed it")
def fixture_odds_movement(
    stores: StoresDep,
    principal: PrincipalDep,
    home_team: Annotated[str, Query(min_length=2, max_length=100)],
    away_team: Annotated[str, Query(min_length=2, max_length=100)],
    date: Annotated[dt.date | None, Query(description="Kick-off day, YYYY-MM-DD")] = None,
) -> dict[str, Any]:
    home, away = normalize(home_team).canonical, normalize(away_team).canonical
    query = game_query(principal, team=home, date=date)
    games = [
        public(g)
        for g in islice(stores.records.select(query), MAX_RECORDS)
        if g.get("home_team") == home and g.get("away_team") == away
    ]
    if not games:
        on = f" on {date.isoformat()}" if date else ""
        raise NotFound(f"No coupon lists {home} v {away}{on}.")
    by_job: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for game in games:
        by_job[game["job_id"]].append(game)
    snapshots = sorted((stores.jobs.get(j).created_at, rows) for j, rows in by_job.items())
    return {
        "home_team": home,
        "away_team": away,
        "coupons": len(snapshots),
        "movements": odds_movement(snapshots),
    }
