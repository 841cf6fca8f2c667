"""The football_odds profile: every game on a betting coupon, with canonical team names.

Works from word boxes (text layer or OCR alike); see extract.py for how layouts are read and
teams.py for the alias table. Output follows the contract in samples/README.md.
"""

from __future__ import annotations

from typing import Any

from paperlane.pages import Page
from paperlane.profiles.base import ProfileResult
from paperlane.profiles.football.anomalies import detect
from paperlane.profiles.football.extract import FootballOptions, extract_games, team_matches
from paperlane.profiles.football.teams import TeamMatch, normalize


class FootballOddsProfile:
    name = "football_odds"
    description = "Football betting coupons: games, kick-off, 1X2 and other markets, canonical team names."
    needs_words = True

    def __init__(self, options: FootballOptions | None = None) -> None:
        self.options = options or FootballOptions()

    def extract(self, pages: list[Page]) -> ProfileResult:
        raw = extract_games(pages) if self.options.extract_football else []
        if self.options.main_matches_only:
            raw = [g for g in raw if g["main_market"] is not None]
        games: list[dict[str, Any]] = []
        unmatched: list[str] = []
        for game in raw:
            for match in team_matches(game):
                if not match.matched and match.printed not in unmatched:
                    unmatched.append(match.printed)
            games.append({k: v for k, v in game.items() if not k.startswith("_")})
        normalised = sum(1 for g in raw for m in team_matches(g) if m.matched)
        # Game numbers in anomalies index `games`, which is also the order of the stored game records.
        anomalies = detect(games, self.options.band)
        return ProfileResult(
            output={"games": games, "teams_unmatched": unmatched, "anomalies": anomalies},
            # The kind is always present (the export reads it); an empty list writes no rows.
            records={"game": games, "anomaly": anomalies},
            summary={
                "games": len(games),
                "leagues": len({g["league"] for g in games if g["league"]}),
                "teams_normalized": normalised,
                "teams_unmatched": len(unmatched),
                "games_without_1x2": sum(1 for g in games if g["main_market"] is None),
                "anomalies": len(anomalies),
            },
        )


__all__ = ["FootballOddsProfile", "FootballOptions", "TeamMatch", "normalize"]
