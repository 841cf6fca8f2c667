"""GET /api/v1/games, /games/report and /games/trends over football records on the local stack."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paperlane.auth.roles import Role
from paperlane.config import PipelineSettings
from paperlane.jobs import Job, JobStatus
from paperlane.local.server import build_app
from paperlane.local.stack import LocalStack
from paperlane.pipeline.context import Stores, stores
from tests.auth_helpers import bearer


def _game(
    home: str, away: str, odds: tuple[float, float, float], league: str = "Premier League"
) -> dict[str, Any]:
    return {
        "league": league,
        "date": "2026-11-28",
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
    def __init__(self, st: Stores) -> None:
        # A year no other test uses, so date filters see only these coupons.
        self.year = random.Random().randint(2300, 2900)
        self.league = f"League {uuid.uuid4().hex[:6]}"
        self.jobs: list[str] = []
        coupons = [
            ("alice", f"{self.year}-01-10T09:00:00.000Z", (2.10, 3.40, 3.50)),
            ("alice", f"{self.year}-01-12T09:00:00.000Z", (1.90, 3.50, 4.00)),
            ("bob", f"{self.year}-01-12T10:00:00.000Z", (2.00, 3.40, 3.80)),
        ]
        for owner, created, odds in coupons:
            job = Job(
                job_id=uuid.uuid4().hex,
                status=JobStatus.COMPLETED,
                profile="football_odds",
                filename="coupon.pdf",
                source_key="inbox/coupon.pdf",
                sha256="0" * 64,
                size_bytes=1,
                owner=owner,
                created_at=created,
            )
            st.jobs.create(job)
            games = [
                _game("Manchester United", "Chelsea", odds, self.league),
                _game("Arsenal", "Everton", (1.5, 4.2, 6.5), self.league),
            ]
            st.records.replace(job.job_id, "football_odds", created, "game", games, owner=owner)
            self.jobs.append(job.job_id)

    def days(self, first: int, last: int) -> dict[str, str]:
        return {"uploaded_from": f"{self.year}-01-{first:02d}", "uploaded_to": f"{self.year}-01-{last:02d}"}


@pytest.fixture(scope="module")
def seeded(stack: LocalStack) -> Seeded:
    return Seeded(stores(PipelineSettings.model_validate(stack.api_environment())))


def _client(stack: LocalStack, name: str, role: Role) -> TestClient:
    return TestClient(build_app(stack), headers=bearer(stack, name, role))


def test_games_filter_by_team_alias_league_and_upload_days_and_page(
    stack: LocalStack, seeded: Seeded
) -> None:
    with _client(stack, "games-admin", Role.ADMIN) as admin:
        r = admin.get(
            "/api/v1/games", params={"team": "Man Utd", "league": seeded.league, **seeded.days(1, 31)}
        )
        games = r.json()["items"]
        assert r.status_code == 200 and len(games) == 3
        assert {g["home_team"] for g in games} == {"Manchester United"}
        assert all("record_owner" not in g and "pk" not in g and g["job_id"] in seeded.jobs for g in games)
        assert (
            len(
                admin.get("/api/v1/games", params={"league": seeded.league, **seeded.days(11, 12)}).json()[
                    "items"
                ]
            )
            == 4
        )
        first = admin.get("/api/v1/games", params={"league": seeded.league, "limit": 4}).json()
        assert first["count"] == 4 and first["next_cursor"]
        rest = admin.get(
            "/api/v1/games", params={"league": seeded.league, "limit": 4, "cursor": first["next_cursor"]}
        ).json()
        assert rest["count"] == 2 and rest["next_cursor"] is None
        assert admin.get("/api/v1/games", params={"uploaded_from": "2026-13-01"}).status_code == 422
        assert admin.get("/api/v1/games", params=seeded.days(12, 10)).status_code == 400


def test_operators_see_only_games_from_their_own_coupons(stack: LocalStack, seeded: Seeded) -> None:
    with _client(stack, "alice", Role.OPERATOR) as alice:
        games = alice.get("/api/v1/games", params={"league": seeded.league}).json()["items"]
        assert {g["job_id"] for g in games} == set(seeded.jobs[:2])


def test_report_and_trends(stack: LocalStack, seeded: Seeded) -> None:
    with _client(stack, "games-viewer", Role.VIEWER) as viewer:
        report = viewer.get("/api/v1/games/report", params={"league": seeded.league}).json()
        assert report["games"] == 6
        trends = viewer.get(
            "/api/v1/games/trends", params={"home_team": "Man United", "away_team": "Chelsea FC"}
        ).json()
        assert trends["home_team"] == "Manchester United" and trends["coupons"] >= 3
        home_win = next(m for m in trends["movements"] if m.get("outcome") == "1" or m.get("key") == "1")
        assert home_win["first"] == 2.10 and home_win["last"] == 2.00 and home_win["direction"] == "down"
        missing = viewer.get("/api/v1/games/trends", params={"home_team": "Arsenal", "away_team": "Chelsea"})
        assert missing.status_code == 404
