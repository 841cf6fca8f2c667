"""The registry of built-in profiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from paperlane.errors import InvalidRequest
from paperlane.pages import Page
from paperlane.profiles.base import Profile, ProfileResult
from paperlane.profiles.football import FootballOddsProfile
from paperlane.profiles.generic import GenericProfile
from paperlane.profiles.sale_deed import SaleDeedProfile

if TYPE_CHECKING:
    from paperlane.llm.profile import CustomProfileSpec

_BUILT_IN: dict[str, Profile] = {
    p.name: p for p in (GenericProfile(), FootballOddsProfile(), SaleDeedProfile())
}
# Planned profiles: accepted nowhere yet, named in the error so users know they are coming.
_PLANNED: tuple[str, ...] = ()

# pages, the rules' result -> the result completed by the configured LLM.
LlmAssistance = Callable[[list[Page], ProfileResult], ProfileResult]


def names() -> list[str]:
    return sorted(_BUILT_IN)


def get(name: str) -> Profile:
    try:
        return _BUILT_IN[name]
    except KeyError:
        hint = " It is planned but not available in this version." if name in _PLANNED else ""
        raise InvalidRequest(
            f"Unknown profile {name!r}.{hint} Available profiles: {', '.join(names())}.",
            details={"profile": name, "available": names()},
        ) from None


def resolve(name: str, custom: Callable[[str], CustomProfileSpec | None] | None = None) -> Profile:
    """A built-in profile, or a custom one (an LLM profile registered through the API) by ``custom``."""
    if name in _BUILT_IN:
        return _BUILT_IN[name]
    spec = custom(name) if custom is not None else None
    if spec is None:
        return get(name)  # the clear error
    from paperlane.llm.profile import LlmProfile

    return LlmProfile(spec)


def use_runtime_data(name: str, aliases: Callable[[], dict[str, str]]) -> None:
    """Give a profile the data users add at run time before it extracts (football: team aliases)."""
    if name == "football_odds":
        from paperlane.profiles.football.teams import use_runtime_aliases

        use_runtime_aliases(aliases())


def cross_document(
    name: str, result: ProfileResult, earlier: Callable[[str], list[dict[str, Any]]]
) -> ProfileResult:
    """Checks against other documents (football: the same fixture priced very differently elsewhere).
    ``earlier(day)`` returns other documents' records for a day, each with its ``job_id``."""
    if name != "football_odds" or not result.output.get("games"):
        return result
    from paperlane.profiles.football.anomalies import across_documents

    games: list[dict[str, Any]] = result.output["games"]
    days = sorted({str(g["date"]) for g in games if g.get("date")})
    extra = across_documents(games, [g for day in days for g in earlier(day)])
    if not extra:
        return result
    anomalies = sorted([*result.output.get("anomalies", []), *extra], key=lambda a: int(a["game"]))
    return ProfileResult(
        output={**result.output, "anomalies": anomalies},
        records={**result.records, "anomaly": anomalies},
        summary={**result.summary, "anomalies": len(anomalies)},
    )


def is_built_in(name: str) -> bool:
    return name in _BUILT_IN


def llm_assistance(name: str) -> LlmAssistance | None:
    """How an LLM completes this profile's rules result, for profiles that use one."""
    if name == "sale_deed":
        from paperlane.profiles.sale_deed.llm import assist_deed  # the LLM stage only

        return assist_deed
    return None


__all__ = [
    "LlmAssistance",
    "Profile",
    "ProfileResult",
    "cross_document",
    "get",
    "is_built_in",
    "llm_assistance",
    "names",
    "resolve",
    "use_runtime_data",
]
