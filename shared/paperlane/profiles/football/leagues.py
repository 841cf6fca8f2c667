"""Printed league headings ("ENGLAND - PREMIER LEAGUE", "LaLiga", "Primera División") to plain names."""

from __future__ import annotations

from typing import NamedTuple

from paperlane.profiles.football.text import key


class League(NamedTuple):
    name: str
    country: str


# Plain name, country, printed forms (matched by key(), so case, accents and punctuation do not matter).
_LEAGUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Premier League",
        "England",
        ("premier league", "epl", "english premier league", "barclays premier league"),
    ),
    (
        "Championship",
        "England",
        ("championship", "efl championship", "sky bet championship", "english championship"),
    ),
    ("League One", "England", ("league one", "league 1", "efl league one")),
    ("League Two", "England", ("league two", "league 2", "efl league two")),
    (
        "La Liga",
        "Spain",
        ("la liga", "laliga", "primera division", "liga", "laliga ea sports", "liga espanola"),
    ),
    ("Segunda División", "Spain", ("segunda division", "laliga 2", "la liga 2", "laliga hypermotion")),
    ("Serie A", "Italy", ("serie a", "serie a tim", "serie a enilive", "italian serie a")),
    ("Serie B", "Italy", ("serie b",)),
    ("Bundesliga", "Germany", ("bundesliga", "1 bundesliga", "german bundesliga")),
    ("2. Bundesliga", "Germany", ("2 bundesliga", "bundesliga 2", "2nd bundesliga")),
    ("Ligue 1", "France", ("ligue 1", "ligue 1 mcdonalds", "ligue 1 uber eats", "french ligue 1")),
    ("Ligue 2", "France", ("ligue 2",)),
    ("Eredivisie", "Netherlands", ("eredivisie", "dutch eredivisie")),
    ("Eerste Divisie", "Netherlands", ("eerste divisie", "keuken kampioen divisie")),
    (
        "Primeira Liga",
        "Portugal",
        ("primeira liga", "liga portugal", "liga portugal betclic", "liga nos", "liga portugal 1"),
    ),
)

# Country words a heading may put before or after the league ("ENGLAND - PREMIER LEAGUE", "Serie A (Italy)").
_COUNTRIES: dict[str, str] = {
    "england": "England",
    "english": "England",
    "spain": "Spain",
    "espana": "Spain",
    "spanish": "Spain",
    "italy": "Italy",
    "italia": "Italy",
    "italian": "Italy",
    "germany": "Germany",
    "deutschland": "Germany",
    "german": "Germany",
    "france": "France",
    "french": "France",
    "netherlands": "Netherlands",
    "holland": "Netherlands",
    "dutch": "Netherlands",
    "portugal": "Portugal",
    "portuguese": "Portugal",
}

_BY_KEY: dict[str, League] = {
    key(printed): League(name, country) for name, country, forms in _LEAGUES for printed in (name, *forms)
}
_BY_NAME: dict[str, League] = {name: League(name, country) for name, country, _ in _LEAGUES}


def match_league(printed: str) -> League | None:
    """The league a heading names, or None. The whole heading must be the league, optionally with its
    country before or after it: a sentence that merely mentions a league is not a heading."""
    words = key(printed).split()
    whole = _BY_KEY.get(" ".join(words))
    if whole is not None:  # "Liga Portugal" ends in a country but is itself the league's name
        return whole
    country: str | None = None
    if words and words[0] in _COUNTRIES:
        country, words = _COUNTRIES[words[0]], words[1:]
    elif words and words[-1] in _COUNTRIES:
        country, words = _COUNTRIES[words[-1]], words[:-1]
    league = _BY_KEY.get(" ".join(words))
    if league is None:
        return None
    # "Spain Premier League" is no league we know: a contradicting country rejects the match.
    if country is not None and country != league.country:
        return None
    return league


def by_name(name: str) -> League | None:
    return _BY_NAME.get(name)


def names() -> list[str]:
    return [name for name, _, _ in _LEAGUES]
