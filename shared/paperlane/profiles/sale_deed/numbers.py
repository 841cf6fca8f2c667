"""Indian amounts, amounts in words, areas and dates, as printed in deeds.

Every parser takes a piece of text and returns a value or None: deeds are messy (OCR spacing, line
breaks inside numbers' words), so callers try several candidates and keep what parses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

# --- amounts --------------------------------------------------------------------------------------

CURRENCY = r"(?:Rs\.?|Rs|R5\.|₹|INR|Rupees)"
# Indian grouping (1,03,50,000), western grouping (10,350,000), or plain digits; paise optional. OCR
# reads a comma as a full stop now and then ("1,03.50,000"): a figure with two separators or more is
# grouped whichever they are.
_FIGURE = (
    r"\d{1,3}(?:(?:\s?,\s?|\.)\d{2,3}){2,}(?!\d)(?:[.,]\d{1,2}(?!\d))?"
    r"|\d{1,3}(?:\s?,\s?\d{2,3})+(?:[.,]\d{1,2}(?!\d))?|\d+(?:\.\d+)?"
)
_SCALE = r"(?:crores?|cr\b\.?|lakhs?|lacs?|lac\b|thousand)"
_WORDS_TAIL = r"only|/-"

AMOUNT_RE = re.compile(
    rf"(?P<cur>{CURRENCY})?\s*(?P<fig>{_FIGURE})\s*(?P<scale>{_SCALE})?\s*(?:/-|/=)?",
    re.IGNORECASE,
)
_SCALES = {"crore": 10_000_000, "cr": 10_000_000, "lakh": 100_000, "lac": 100_000, "thousand": 1000}

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000,
                "lacs": 100_000, "crore": 10_000_000, "crores": 10_000_000, "million": 1_000_000}  # fmt: skip
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_MULTIPLIERS], key=len, reverse=True))
# A run of number words, as in "Rupees One Crore Three Lakh Fifty Thousand only".
WORDS_RE = re.compile(
    rf"\b(?:{_NUMBER_WORD})\b(?:[\s\-,]+(?:and\s+)?\b(?:{_NUMBER_WORD})\b)*",
    re.IGNORECASE,
)


class Amount(NamedTuple):
    value: float
    start: int
    end: int
    has_currency: bool


def figure_value(text: str) -> float | None:
    """A printed figure's value: '1,03,50,000', '6,01,200.00', and as OCR may read them, '6.01,200,00'."""
    cleaned = re.sub(r"\s", "", text)
    groups = re.split(r"[,.]", cleaned)
    if len(groups) == 2 and "." in cleaned:
        whole, paise = groups
    elif len(groups) > 2 and len(groups[-1]) <= 2 and len(groups[-2]) == 3:
        # The last group after a group of three is paise, whichever separator OCR read before it.
        whole, paise = "".join(groups[:-1]), groups[-1]
    else:
        whole, paise = "".join(groups), ""
    try:
        return float(f"{whole}.{paise or 0}")
    except ValueError:
        return None


def words_to_number(text: str) -> int | None:
    """'One Crore Three Lakh Fifty Thousand' -> 10350000; None when no number words are found."""
    words = re.findall(r"[a-z]+", text.lower().replace("-", " "))
    total = current = 0
    seen = False
    for word in words:
        if word in ("and", "rupees", "only", "rs", "inr", "paise"):
            if word == "paise":
                break
            continue
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif word in _MULTIPLIERS:
            total += max(current, 1) * _MULTIPLIERS[word]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _scale_factor(scale: str | None) -> int:
    if not scale:
        return 1
    key = scale.lower().rstrip(".")
    for name, factor in _SCALES.items():
        if key.startswith(name):
            return factor
    return 1


def _is_money(match: re.Match[str]) -> bool:
    """A bare small integer ("11.", a serial number) is not an amount; a currency, grouping,
    paise or a lakh/crore scale make it one."""
    fig = match.group("fig")
    if match.group("cur") or match.group("scale"):
        return True
    if "," in fig or re.search(r"\.\d{2}$", fig):
        return True
    return fig.isdigit() and len(fig) >= 4 and not re.fullmatch(r"(19|20)\d\d", fig)


def find_amounts(text: str) -> list[Amount]:
    """Every money-like figure in ``text``, in order (figures first; words only as "Rupees ... only")."""
    out: list[Amount] = []
    for match in AMOUNT_RE.finditer(text):
        if not _is_money(match):
            continue
        value = figure_value(match.group("fig"))
        if value is None:
            continue
        value *= _scale_factor(match.group("scale"))
        out.append(Amount(value, match.start(), match.end(), bool(match.group("cur"))))
    for match in re.finditer(rf"Rupees\s+({WORDS_RE.pattern})\s*(?:{_WORDS_TAIL})?", text, re.IGNORECASE):
        if any(a.start <= match.start() < a.end for a in out):
            continue
        number = words_to_number(match.group(1))
        if number is not None and not _inside_parentheses_after_figure(text, match.start(), out):
            out.append(Amount(float(number), match.start(), match.end(), True))
    return sorted(out, key=lambda a: a.start)


def _inside_parentheses_after_figure(text: str, start: int, figures: list[Amount]) -> bool:
    """Words that restate a figure just before them ("Rs. 5,000/- (Rupees Five Thousand only)")."""
    return any(0 <= start - a.end <= 4 and "(" in text[a.end : start + 1] for a in figures)


def parse_amount(text: str) -> float | None:
    """The first amount in ``text``: 'Rs. 50,00,000/-', '₹ 1.2 crore', 'Rupees Fifty Lakh only'."""
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None


def words_after(text: str, end: int) -> int | None:
    """The amount in words restating a figure that ends at ``end``: '(Rupees ... only)'."""
    match = re.match(rf"\s*\(?\s*(?:Rupees|Rs\.?|INR)?\s*({WORDS_RE.pattern})", text[end : end + 200], re.I)
    return words_to_number(match.group(1)) if match else None


def words_agree(figure: float, words: int | None) -> bool:
    return words is None or abs(figure - words) < 1.0


# --- areas ------------------------------------------------------------------------------------------

_SQFT_PER = {
    "sqft": 1.0,
    "sqm": 10.7639,
    "sqyd": 9.0,
    "gunta": 1089.0,
    "acre": 43560.0,
    "cent": 435.6,
    "hectare": 107639.0,
    "ankanam": 72.0,
}
_UNIT_PATTERNS = [
    ("sqft", r"sq(?:uare)?\.?\s*(?:ft|feet|foot)\.?|sft\.?|sq\.?\s*ft\.?|square\s+feet|ft2|ft²"),
    ("sqm", r"sq(?:uare)?\.?\s*(?:m|mtrs?|meters?|metres?)\b\.?|square\s+met(?:er|re)s?|m2\b|m²"),
    ("sqyd", r"sq(?:uare)?\.?\s*(?:yd|yds|yards?)\.?|square\s+yards?|gaj"),
    ("gunta", r"guntas?|gunthas?"),
    ("acre", r"acres?"),
    ("cent", r"cents?\b"),
    ("hectare", r"hectares?|ha\b"),
    ("ankanam", r"ankanams?"),
]
_UNIT_RE = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNIT_PATTERNS)
AREA_RE = re.compile(rf"(?P<num>\d{{1,3}}(?:,\d{{2,3}})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:{_UNIT_RE})", re.I)


class Area(NamedTuple):
    sqft: float
    start: int
    end: int


def find_areas(text: str) -> list[Area]:
    """Every area in ``text``, converted to square feet (rounded to 2 decimals)."""
    out: list[Area] = []
    for match in AREA_RE.finditer(text):
        unit = next(name for name in _SQFT_PER if match.group(name))
        number = figure_value(match.group("num"))
        if number is not None:
            out.append(Area(round(number * _SQFT_PER[unit], 2), match.start(), match.end()))
    return out


def parse_area(text: str) -> float | None:
    areas = find_areas(text)
    return areas[0].sqft if areas else None


# --- dates ------------------------------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")  # fmt: skip
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORD_WORD_RE = (
    r"(?:(?:twenty|thirty)[\s\-]?)?(?:" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + ")"
)
_SEP_DAY_OF = r"\s*(?:day\s+of\s+|of\s+)?"
DATE_RE = re.compile(
    "|".join(
        [
            r"(?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>[01]?\d)-(?P<id>[0-3]?\d))(?!\d)",
            r"(?<!\d)(?P<nd>[0-3]?\d)\s?[-/.]\s?(?P<nm>[01]?\d)\s?[-/.]\s?(?P<ny>(?:19|20)\d\d)(?!\d)",
            rf"(?<!\d)(?P<td>[0-3]?\d)\s*(?:st|nd|rd|th)?{_SEP_DAY_OF}[-\s]?(?P<tm>{_MONTH_RE})\.?[,\s\-]+(?P<ty>(?:19|20)\d\d)",
            rf"(?P<wd>{_ORD_WORD_RE})\s+day\s+of\s+(?P<wm>{_MONTH_RE})[,\s]+(?:(?:in\s+the\s+)?year\s+)?(?P<wy>(?:19|20)\d\d)",
            rf"\b(?P<mm>{_MONTH_RE})\.?\s+(?P<md>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<my>(?:19|20)\d\d)",
        ]
    ),
    re.IGNORECASE,
)


class FoundDate(NamedTuple):
    value: dt.date
    start: int
    end: int


def _month(name: str) -> int:
    key = name.lower()[:3]
    return next(i for i, m in enumerate(_MONTHS, start=1) if m.startswith(key))


def _ordinal_word(text: str) -> int:
    parts = re.split(r"[\s\-]+", text.lower())
    tens = {"twenty": 20, "thirty": 30}.get(parts[0], 0) if len(parts) > 1 else 0
    return tens + _ORDINAL_WORDS[parts[-1]]


def _date_of(match: re.Match[str]) -> dt.date | None:
    g = match.group
    try:
        if g("iso"):
            return dt.date(int(g("iy")), int(g("im")), int(g("id")))
        if g("nd"):
            return dt.date(int(g("ny")), int(g("nm")), int(g("nd")))  # Indian day-first order
        if g("td"):
            return dt.date(int(g("ty")), _month(g("tm")), int(g("td")))
        if g("wd"):
            return dt.date(int(g("wy")), _month(g("wm")), _ordinal_word(g("wd")))
        if g("mm"):
            return dt.date(int(g("my")), _month(g("mm")), int(g("md")))
    except (ValueError, KeyError, StopIteration):
        return None
    return None


def find_dates(text: str) -> list[FoundDate]:
    out: list[FoundDate] = []
    for match in DATE_RE.finditer(text):
        value = _date_of(match)
        if value is not None:
            out.append(FoundDate(value, match.start(), match.end()))
    return out


def parse_date(text: str) -> dt.date | None:
    dates = find_dates(text)
    return dates[0].value if dates else None
