"""Team-name normalisation: printed names ("Man Utd", "Atletico Madrid", "FC Barcelona") to canonical ones.

Exact alias lookup first (by key(): case, accents and punctuation ignored, legal-form words such as FC
or AS stripped), then rapidfuzz for misspellings and OCR slips, with a threshold so that a name that is
no club we know stays as printed and is reported as unmatched.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from paperlane.profiles.football.teams_data import CLUBS
from paperlane.profiles.football.text import key


class Club(NamedTuple):
    canonical: str
    country: str
    league: str
    aliases: tuple[str, ...]


class TeamMatch(NamedTuple):
    canonical: str
    printed: str
    matched: bool
    # 100 for an exact alias, the rapidfuzz score for a fuzzy match, 0 when unmatched.
    score: float


# Legal-form and club-type words that coupons add or drop at will ("FC Porto", "Hellas Verona FC").
_LEGAL_FORMS = frozenset(
    {"fc", "afc", "cf", "sc", "ssc", "ac", "as", "us", "ss", "cd", "ud", "rc", "rcd", "sd", "sv", "vfl"}
    | {"vfb", "tsg", "bv", "fk", "ca", "cp", "sl", "gd", "club", "calcio", "1"}
)
# Below this a fuzzy match is noise; inside the expected league a slightly weaker match is accepted.
FUZZY_THRESHOLD = 88.0
FUZZY_THRESHOLD_IN_LEAGUE = 82.0

CLUB_TABLE: tuple[Club, ...] = tuple(
    Club(canonical, country, league, tuple(a for a in aliases.split("|") if a))
    for canonical, country, league, aliases in CLUBS
)


def _strip_forms(k: str) -> str:
    words = [w for w in k.split() if w not in _LEGAL_FORMS]
    return " ".join(words) if words else k


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Club, ...]]:
    """key -> clubs. A key that several clubs share ("madrid"?) keeps them all; league context decides."""
    exact: dict[str, list[Club]] = {}
    stripped: dict[str, list[Club]] = {}
    for club in CLUB_TABLE:
        for alias in (club.canonical, *club.aliases):
            k = key(alias)
            exact.setdefault(k, []).append(club)
            stripped.setdefault(_strip_forms(k), []).append(club)
    # An exact key wins over the same key reached by stripping ("Paris FC" must not become "Paris").
    merged = {k: v for k, v in stripped.items()}
    merged.update(exact)
    return {k: tuple(dict.fromkeys(v)) for k, v in merged.items()}


@lru_cache(maxsize=1)
def _choices() -> tuple[list[str], list[Club]]:
    keys: list[str] = []
    clubs: list[Club] = []
    for k, found in _index().items():
        for club in found:
            keys.append(k)
            clubs.append(club)
    return keys, clubs


def _in_context(club: Club, league: str | None) -> bool:
    if league is None:
        return False
    return league in (club.league, club.country)


def _pick(found: tuple[Club, ...], league: str | None) -> Club:
    for club in found:
        if _in_context(club, league):
            return club
    return found[0]


def _fuzzy(k: str, league: str | None) -> tuple[Club, float] | None:
    keys, clubs = _choices()
    ranked: dict[str, tuple[float, float, Club]] = {}
    # fuzz.ratio, not WRatio: partial scorers call "Manchester" a perfect match for both Manchester clubs.
    for _, score, i in process.extract(
        k, keys, scorer=fuzz.ratio, limit=8, score_cutoff=FUZZY_THRESHOLD_IN_LEAGUE
    ):
        club = clubs[i]
        in_context = _in_context(club, league)
        if score < (FUZZY_THRESHOLD_IN_LEAGUE if in_context else FUZZY_THRESHOLD):
            continue
        # League context breaks near-ties only; it never lifts a clearly worse candidate.
        rank = score + (3.0 if in_context else 0.0)
        if club.canonical not in ranked or rank > ranked[club.canonical][0]:
            ranked[club.canonical] = (rank, float(score), club)
    if not ranked:
        return None
    ordered = sorted(ranked.values(), key=lambda r: r[0], reverse=True)
    # Two clubs about equally close ("Sheffield": United or Wednesday?) is a guess, not a match.
    if len(ordered) > 1 and ordered[0][0] - ordered[1][0] < 2.0:
        return None
    return ordered[0][2], ordered[0][1]


# Letters OCR takes for one another in the small type of coupons, each class written as its first
# letter: round letters ("Köln" read "Kdin" or "Kéin", "Barça" "Barga", "FC" "FG"), stems ("Benfica"
# read "Bentica", "l" as "i"), and arches. "rn" reads as "m" and "cl" as "d" first.
_SHAPES = str.maketrans({c: "o" for c in "acdegq"} | {c: "l" for c in "iftj1"} | {"h": "n", "v": "u"})


def shape(k: str) -> str:
    """A key (``text.key``) as OCR might have misread it: lookalike letters made one."""
    return k.replace("rn", "m").replace("cl", "d").translate(_SHAPES)


@lru_cache(maxsize=1)
def _shape_index() -> dict[str, tuple[Club, ...]]:
    """shape(key) -> clubs, for names OCR misread (``normalize(..., ocr=True)``)."""
    found: dict[str, list[Club]] = {}
    for k, clubs_ in _index().items():
        if len(k.replace(" ", "")) >= 4:  # shorter shapes ("Inter", "PSV" aside) say too little
            found.setdefault(shape(k), []).extend(clubs_)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _by_shape(k: str, league: str | None) -> Club | None:
    """The club whose alias has ``k``'s shape: the only one, or the only one in the league."""
    found = _shape_index().get(shape(k)) or _shape_index().get(shape(_strip_forms(k)))
    if not found:
        return None
    clubs_ = {c.canonical: c for c in found}
    if len(clubs_) == 1:
        return next(iter(clubs_.values()))
    in_league = [c for c in clubs_.values() if _in_context(c, league)]
    return in_league[0] if len(in_league) == 1 else None


# A name matched by its shape only (``_by_shape``) gets this score: weaker than any fuzzy match kept.
SHAPE_SCORE = 80.0


def lookup(printed: str, *, league: str | None = None) -> Club | None:
    """The club a printed name means, if the table knows it (exact alias or fuzzy)."""
    match = normalize(printed, league=league)
    if not match.matched:
        return None
    return club_by_name(match.canonical)


# Aliases added at run time (POST /api/v1/teams/aliases): key(alias) -> canonical. They win over the
# curated table, so users can correct it without a release.
_runtime_aliases: dict[str, str] = {}


def use_runtime_aliases(aliases: dict[str, str]) -> None:
    """Replace the run-time aliases (alias -> canonical) that normalize() consults first."""
    global _runtime_aliases
    keyed = {key(alias): canonical for alias, canonical in aliases.items() if key(alias)}
    if keyed != _runtime_aliases:
        _runtime_aliases = keyed
        normalize.cache_clear()


@lru_cache(maxsize=4096)
def normalize(printed: str, *, league: str | None = None, ocr: bool = False) -> TeamMatch:
    """The canonical name for a printed team name. ``league`` (plain league name or country) prefers that
    league's clubs when an alias or a misspelling fits several. ``ocr``: the name was read by OCR, so a
    name that OCR lookalikes make an alias counts too. Unknown names come back as printed."""
    text = " ".join(printed.split())
    k = key(text)
    if not k:
        return TeamMatch(text, text, False, 0.0)
    if k in _runtime_aliases:
        return TeamMatch(_runtime_aliases[k], text, True, 100.0)
    index = _index()
    found = index.get(k) or index.get(_strip_forms(k))
    if found:
        return TeamMatch(_pick(found, league).canonical, text, True, 100.0)
    fuzzy = _fuzzy(_strip_forms(k), league)
    if fuzzy is not None:
        return TeamMatch(fuzzy[0].canonical, text, True, fuzzy[1])
    shaped = _by_shape(k, league) if ocr else None
    if shaped is not None:
        return TeamMatch(shaped.canonical, text, True, SHAPE_SCORE)
    return TeamMatch(text, text, False, 0.0)


def club_by_name(canonical: str) -> Club | None:
    for club in CLUB_TABLE:
        if club.canonical == canonical:
            return club
    return None


def clubs(league: str | None = None) -> list[Club]:
    return [c for c in CLUB_TABLE if league is None or c.league == league]
