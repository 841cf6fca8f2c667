"""The registry of built-in profiles."""

from __future__ import annotations

from collections.abc import Callable

from paperlane.errors import InvalidRequest
from paperlane.pages import Page
from paperlane.profiles.base import Profile, ProfileResult
from paperlane.profiles.football import FootballOddsProfile
from paperlane.profiles.generic import GenericProfile
from paperlane.profiles.sale_deed import SaleDeedProfile

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


def llm_assistance(name: str) -> LlmAssistance | None:
    """How an LLM completes this profile's rules result, for profiles that use one."""
    if name == "sale_deed":
        from paperlane.profiles.sale_deed.llm import assist_deed  # the LLM stage only

        return assist_deed
    return None


__all__ = ["LlmAssistance", "Profile", "ProfileResult", "get", "llm_assistance", "names"]
