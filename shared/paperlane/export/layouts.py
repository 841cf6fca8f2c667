"""Which layout exports which profile. Profiles without a layout of their own export their pages."""

from __future__ import annotations

from paperlane import profiles
from paperlane.errors import InvalidRequest
from paperlane.export.football import FootballLayout
from paperlane.export.generic import GenericLayout
from paperlane.export.layout import Layout
from paperlane.export.sale_deed import SaleDeedLayout

_LAYOUTS: dict[str, Layout] = {
    layout.profile: layout for layout in (SaleDeedLayout(), FootballLayout(), GenericLayout())
}


def known_profiles() -> list[str]:
    return sorted({*_LAYOUTS, *profiles.names()})


def layout_for(profile: str) -> Layout:
    if profile in _LAYOUTS:
        return _LAYOUTS[profile]
    if profile in profiles.names():
        return _LAYOUTS["generic"]
    raise InvalidRequest(
        f"Unknown profile {profile!r}. Profiles that can be exported: {', '.join(known_profiles())}.",
        details={"profile": profile, "available": known_profiles()},
    )
