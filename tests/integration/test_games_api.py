"""Games, leagues, teams and football reports over records of several coupons across several days."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane import clock
from paperlane.auth.roles import Role
from paperlane.config import PipelineSettings
from paperlane.jobs import Job, JobStatus
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from paperlane.pipeline.context import Stores, stores
from tests.auth_helpers import bearer


def _game(home: str, away: str, odds: tuple[float, float, float], league: str, date: str) -> dict[str, Any]:
    return {
        "league": league,
        "date": date,
        "time": "15:00",
        "home_team": home,
        "away_team": away,
        "home_printed": home,
        "away_printed": away,
        "main_market": {"market_type": "1X2", "odds": {"1": odds[0], "X": odds[1], "2": odds[2]}},
        "additional_markets": [],
        "page": 1,
    }


class Seeded:
    """Three coupons uploaded over three days (two by alice, one by bob), in a league of their own."""

    def __init__(self, st: Stores) -> None:
        now = clock.now()
        self.league = f"League {uuid.uuid4().hex[:6]}"
        # A kick-off day no other test uses.
        self.kickoff = f"{2300 + int(uuid.uuid4().hex[:4], 16) % 500}-05-01"
        self.days = [(now - dt.timedelta(days=d)).date().isoformat() for d in (2, 1, 0)]
        self.jobs: list[str] = []
        coupons = [
            ("alice", now - dt.timedelta(days=2), (2.10, 3.40, 3.50)),
            ("alice", now - dt.timedelta(days=1), (1.90, 3.50, 4.00)),
            ("bob", now, (2.00, 3.40, 3.80)),
        ]
        self.st = st
        for owner, created, odds in coupons:
            self.jobs.append(self.add_coupon(owner, clock.iso(created), odds))

    def add_coupon(self, owner: str, stamp: str, odds: tuple[float, float, float]) -> str:
        job = Job(
            job_id=uuid.uuid4().hex,
            status=JobStatus.COMPLETED,
            profile="football_odds",
            filename="coupon.pdf",
            source_key="inbox/coupon.pdf",
            sha256="0" * 64,
            size_bytes=1,
            owner=owner,
            created_at=stamp,
            summary={"games": 2, "teams_normalized": 4, "teams_unmatched": 0},
        )
        self.st.jobs.create(job)
        games = [
            _game("Manchester United", "Chelsea", odds, self.league, self.kickoff),
            _game("Arsenal", "Everton", (1.5, 4.2, 6.5), self.league, self.kickoff),
        ]
        self.st.records.replace(job.job_id, "football_odds", stamp, "game", games, owner=owner)
        anomaly = {"game": 1, "type": "margin_high", "message": "30% margin", "severity": "warning"}
        self.st.records.replace(job.job_id, "football_odds", stamp, "anomaly", [anomaly], owner=owner)
        return job.job_id


@pytest.fixture(scope="module")
def seeded(stack: LocalStack) -> Seeded:
    return Seeded(stores(PipelineSettings.model_validate(stack.api_environment())))


def _client(stack: LocalStack, name: str, role: Role) -> TestClient:
    return TestClient(build_app(stack), headers=bearer(stack, name, role))


def test_games_by_kickoff_date_league_and_team_alias_with_offset_and_total(
    stack: LocalStack, seeded: Seeded
) -> None:
    with _client(stack, "games-admin", Role.ADMIN) as admin:
        r = admin.get("/api/v1/games", params={"date": seeded.kickoff, "team": "Man Utd"})
        body = r.json()
        assert r.status_code == 200 and body["total"] == 3 and len(body["games"]) == 3
        assert body["filters"] == {"date": seeded.kickoff, "team": "Man Utd"}
        assert {g["home_team"] for g in body["games"]} == {"Manchester United"}
        assert all(g["job_id"] in seeded.jobs and "record_owner" not in g for g in body["games"])
        page = admin.get("/api/v1/games", params={"league": seeded.league, "limit": 4, "offset": 4}).json()
        assert (page["total"], len(page["games"]), page["offset"], page["limit"]) == (6, 2, 4, 4)
        assert admin.get("/api/v1/games", params={"date": "2026-13-01"}).status_code == 422
        assert admin.get("/api/v1/games", params={"limit": 1001}).status_code == 422


def test_operators_see_only_games_from_their_own_coupons(stack: LocalStack, seeded: Seeded) -> None:
    with _client(stack, "alice", Role.OPERATOR) as alice:
        games = alice.get("/api/v1/games", params={"league": seeded.league}).json()["games"]
        assert {g["job_id"] for g in games} == set(seeded.jobs[:2])


def test_leagues_and_teams_reference_data(stack: LocalStack) -> None:
    with _client(stack, "games-viewer", Role.VIEWER) as viewer:
        leagues = viewer.get("/api/v1/leagues").json()["leagues"]
        assert {"name": "Premier League", "country": "England"} in leagues
        teams = viewer.get("/api/v1/teams", params={"league": "Premier League"}).json()["teams"]
        united = next(t for t in teams if t["name"] == "Manchester United")
        assert "Man Utd" in united["aliases"] and all(t["league"] == "Premier League" for t in teams)


def test_latest_report_trends_over_days_and_odds_movement(stack: LocalStack, seeded: Seeded) -> None:
    # An admin reads every owner's coupons (operators and viewers read one owner's: test_auth_api).
    with _client(stack, "games-admin", Role.ADMIN) as viewer:
        # Other tests seed coupons dated far ahead: the newest here is dated later than any of them.
        newest = seeded.add_coupon("bob", "9999-12-31T23:59:59.000Z", (2.0, 3.4, 3.8))
        latest = viewer.get("/api/v1/reports/latest").json()
        assert latest["job_id"] == newest
        assert latest["summary"]["total_games"] == 2 and latest["summary"]["anomalies_detected"] == 1
        assert latest["data"]["quality_metrics"]["warnings"] == 1

        trends = viewer.get("/api/v1/reports/trends", params={"days": 3}).json()
        for day in seeded.days:
            assert trends["league_activity"][day][seeded.league] == 2
            assert trends["anomaly_trends"][day]["margin_high"] >= 1
        assert viewer.get("/api/v1/reports/trends", params={"days": 366}).status_code == 422

        moved = viewer.get(
            "/api/v1/reports/odds-movement",
            params={"home_team": "Man United", "away_team": "Chelsea FC", "date": seeded.kickoff},
        ).json()
        assert moved["home_team"] == "Manchester United" and moved["coupons"] == 4
        home_win = next(m for m in moved["movements"] if m.get("outcome") == "1" or m.get("key") == "1")
        assert (home_win["first"], home_win["last"], home_win["direction"]) == (2.10, 2.00, "down")
        missing = viewer.get(
            "/api/v1/reports/odds-movement",
            params={"home_team": "Arsenal", "away_team": "Chelsea", "date": seeded.kickoff},
        )
        assert missing.status_code == 404


def test_operators_add_team_aliases_that_extraction_then_uses(stack: LocalStack) -> None:
    from paperlane import profiles
    from paperlane.profiles.football.teams import normalize, use_runtime_aliases

    printed = f"Rovers {uuid.uuid4().hex[:5]}"
    with (
        _client(stack, "alias-operator", Role.OPERATOR) as op,
        _client(stack, "alias-viewer", Role.VIEWER) as viewer,
    ):
        assert (
            viewer.post("/api/v1/teams/aliases", json={"alias": printed, "canonical": "Burnley"}).status_code
            == 403
        )
        r = op.post("/api/v1/teams/aliases", json={"alias": printed, "canonical": "Burnley"})
        assert r.status_code == 201 and r.json()["known_club"] is True
        assert printed in {a["alias"] for a in viewer.get("/api/v1/teams/aliases").json()["aliases"]}
        burnley = next(t for t in viewer.get("/api/v1/teams").json()["teams"] if t["name"] == "Burnley")
        assert printed in burnley["aliases"]
        # What the pipeline stages do before extracting a coupon:
        st = stores(PipelineSettings.model_validate(stack.api_environment()))
        try:
            profiles.use_runtime_data("football_odds", st.aliases.mapping)
            assert normalize(printed.upper()).canonical == "Burnley"
        finally:
            use_runtime_aliases({})
        assert op.delete(f"/api/v1/teams/aliases/{printed}").status_code == 204
        assert op.delete(f"/api/v1/teams/aliases/{printed}").status_code == 404
        assert (
            op.post("/api/v1/teams/aliases", json={"alias": "--", "canonical": "Burnley"}).status_code == 400
        )
