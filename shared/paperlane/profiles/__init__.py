"""The registry of built-in profiles."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from paperlane.errors import InvalidRequest
from paperlane.pages import Page
from paperlane.profiles.base import Profile, ProfileResult
from paperlane.profiles.football import FootballOddsProfile, FootballOptions
from paperlane.profiles.generic import GenericProfile
from paperlane.profiles.sale_deed import SaleDeedProfile

if TYPE_CHECKING:
    from paperlane.llm.profile import CustomProfileSpec

_BUILT_IN: dict[str, Profile] = {
    p.name: p for p in (GenericProfile(), FootballOddsProfile(), SaleDeedProfile())
}
# Profiles that take options (the upload's ``options``): their model, and the profile made from them.
_OPTIONS: dict[str, tuple[type[BaseModel], Callable[[Any], Profile]]] = {
    "football_odds": (FootballOptions, FootballOddsProfile),
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


def options_model(name: str) -> type[BaseModel] | None:
    """The model of the options the profile takes, if it takes any."""
    entry = _OPTIONS.get(name)
    return entry[0] if entry else None


def check_options(name: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options as given, once the profile's model accepts them; a clear InvalidRequest otherwise."""
    if not options:
        return {}
    model = options_model(name)
    if model is None:
        raise InvalidRequest(
            f"The profile {name!r} takes no options.", details={"profile": name, "options": sorted(options)}
        )
    try:
        model.model_validate(dict(options))
    except ValidationError as exc:
        problems = [
            {"option": ".".join(str(p) for p in e["loc"]) or None, "message": e["msg"]} for e in exc.errors()
        ]
        allowed = sorted(model.model_fields)
        raise InvalidRequest(
            f"Invalid options for the profile {name!r}: "
            + "; ".join(f"{p['option'] or 'options'}: {p['message']}" for p in problems)
            + f". Options: {', '.join(allowed)}.",
            details={"profile": name, "problems": problems, "allowed": allowed},
        ) from None
    return dict(options)


def options_key(profile: str, options: Mapping[str, Any] | None) -> str:
    """What a job's id is made from besides the content: the profile, and its options when there are
    any (the same file with other options is another job; with none, ids stay as they always were)."""
    if not options:
        return profile
    return f"{profile}?{json.dumps(dict(options), sort_keys=True, separators=(',', ':'))}"


def resolve(
    name: str,
    custom: Callable[[str], CustomProfileSpec | None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Profile:
    """A built-in profile (made with ``options`` when given), or a custom one (an LLM profile
    registered through the API) by ``custom``."""
    if name in _BUILT_IN:
        if options:
            model, make = _OPTIONS[name]
            return make(model.model_validate(dict(options)))
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
    "check_options",
    "cross_document",
    "get",
    "is_built_in",
    "llm_assistance",
    "names",
    "options_key",
    "options_model",
    "resolve",
    "use_runtime_data",
]
