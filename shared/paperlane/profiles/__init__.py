"""The registry of built-in profiles."""

from __future__ import annotations

from paperlane.errors import InvalidRequest
from paperlane.profiles.base import Profile, ProfileResult
from paperlane.profiles.football import FootballOddsProfile
from paperlane.profiles.generic import GenericProfile
from paperlane.profiles.sale_deed import SaleDeedProfile

_BUILT_IN: dict[str, Profile] = {
    p.name: p for p in (GenericProfile(), FootballOddsProfile(), SaleDeedProfile())
}
# Planned profiles: accepted nowhere yet, named in the error so users know they are coming.
_PLANNED: tuple[str, ...] = ()


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


__all__ = ["Profile", "ProfileResult", "get", "names"]
