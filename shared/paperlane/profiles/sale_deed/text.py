"""The deed as one text: pages joined, repeated page headers and footers set aside.

Headers ("Document No. ... / Sheet 2 of 4") cut paragraphs and schedules in two at every page break;
they are removed from the body and kept apart, because they carry the deed's own number.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from paperlane.pages import Page
from paperlane.profiles.sale_deed.identity import normalize_pan

# Lines this close to a page's top or bottom can be running headers or footers.
_EDGE_LINES = 4


@dataclass
class DeedText:
    body: str
    margins: list[str] = field(default_factory=list)
    ocr: bool = False
    ocr_confidence: float | None = None


# Typographic dashes, quotes and spaces as their ASCII forms, so patterns need only one spelling.
_ASCII = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
     "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "}
)  # fmt: skip


# A word split at a line end ("Pil-" / "lai"); both halves in one case, so "Sub-" / "Registrar" stays.
_HYPHEN_SPLIT = re.compile(
    r"(?<=[a-z]{2})-[ \t]*\n[ \t]*(?=[a-z]{2})|(?<=[A-Z]{2})-[ \t]*\n[ \t]*(?=[A-Z]{2})"
)
# A word with 0, 1 or 5 among its letters ("VEND0R", "Pi1lai", "5CHEDULE"), read by OCR as digits.
_MISREAD_WORD = re.compile(r"\b(?=[A-Za-z015]*[A-Za-z][A-Za-z015]*\b)(?=[A-Za-z015]*[015])[A-Za-z015]{3,}\b")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_AS_UPPER: dict[str, str] = {"0": "O", "1": "I", "5": "S"}
_AS_LOWER: dict[str, str] = {"0": "o", "1": "l", "5": "s"}
_DOMAIN_LETTERS = str.maketrans({"0": "o", "1": "l", "5": "s"})


def _unmisread(match: re.Match[str]) -> str:
    word = match.group(0)
    digits = sum(c.isdigit() for c in word)
    # Ordinals ("11th") and codes with as many digits as letters (a PAN, "KOT2015") are not words.
    if (
        2 * digits > len(word) - digits
        or re.fullmatch(r"\d+(?:st|nd|rd|th)", word, re.I)
        or normalize_pan(word) is not None
    ):
        return word
    out = []
    for i, c in enumerate(word):
        if c.isdigit():
            # The case of the word's other letters after its first: "K0lkata", "VEND0R", "0ne".
            rest = [x for x in word[1:] if x.isalpha()]
            lower = i > 0 and 2 * sum(x.islower() for x in rest) > len(rest)
            c = (_AS_LOWER if lower else _AS_UPPER)[c]
        out.append(c)
    return "".join(out)


def repair(text: str) -> str:
    """Common OCR damage undone: words split at line ends, digits misread inside words, runs of spaces.

    Harmless on a text layer, which has none of them; e-mail addresses are left as printed.
    """
    text = _HYPHEN_SPLIT.sub("", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    # A comma always has a space after it in the printed text; OCR sometimes loses it.
    text = re.sub(r",(?=[A-Za-z])|(?<=[A-Za-z.]),(?=\d)|,(?=\d+(?:st|nd|rd|th)\b)", ", ", text)
    pieces, last = [], 0
    for email in _EMAIL.finditer(text):
        pieces += [_MISREAD_WORD.sub(_unmisread, text[last : email.start()]), _repair_email(email.group(0))]
        last = email.end()
    return "".join([*pieces, _MISREAD_WORD.sub(_unmisread, text[last:])])


def _repair_email(email: str) -> str:
    """Digits in an address's user part are often real ("gupta65"), not between letters ("r0han");
    its domain has none."""
    user, domain = email.split("@", 1)
    user = re.sub(r"(?<=[a-z])[015](?=[a-z])", lambda m: _AS_LOWER[m.group(0)], user)
    return f"{user}@{domain.translate(_DOMAIN_LETTERS)}"


def _shape(line: str) -> str:
    """A line with its numbers blanked, so "Sheet 1 of 4" and "Sheet 2 of 4" look alike."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


# How many words a running header or footer run into the page's text can have.
_AFFIX_WORDS = 10


def _affix_shape(words: list[str]) -> str:
    return _shape(" ".join(words))


def _strip_run_in_margins(page: str, pages: list[str], needed: int, margins: list[str]) -> str:
    """``page`` without a header or footer that OCR ran into its first or last line.

    The longest run of two words or more that starts (or ends) most pages alike, digits aside, is
    taken for one ("Document No. ...", "Page 2 of 4").
    """
    words = page.split()
    for side in ("top", "bottom"):
        for k in range(min(_AFFIX_WORDS, len(words) - 1), 1, -1):
            mine = words[:k] if side == "top" else words[-k:]
            shape = _affix_shape(mine)
            # Words, not a numbered item ("4. The ...") that several pages happen to start with.
            if len(re.findall(r"[a-z]", shape)) < 3 or not shape[0].isalpha():
                continue
            count = sum(
                1
                for other in pages
                if _affix_shape(other.split()[:k] if side == "top" else other.split()[-k:]) == shape
            )
            if count >= needed:
                pattern = (
                    r"^\s*" + r"\s+".join(map(re.escape, mine))
                    if side == "top"
                    else (r"\s+".join(map(re.escape, mine)) + r"\s*$")
                )
                margins.append(" ".join(mine))
                page = re.sub(pattern, "", page)
                words = page.split()
                break
    return page


def assemble(pages: list[Page]) -> DeedText:
    texts = [repair(p.text.translate(_ASCII)) if p.source != "none" else "" for p in pages]
    page_lines = [[ln for ln in t.splitlines()] for t in texts]
    edge_shapes: Counter[tuple[str, str]] = Counter()
    for lines in page_lines:
        content = [ln for ln in lines if ln.strip()]
        # Top and bottom are counted apart: a header repeats at the top, a footer at the bottom.
        edge_shapes.update({("top", _shape(ln)) for ln in content[:_EDGE_LINES]})
        edge_shapes.update({("bottom", _shape(ln)) for ln in content[-_EDGE_LINES:]})
    readable = sum(1 for t in texts if t.strip())
    # A running header has words; a bare number at a page's edge may be a table cell cut by the break.
    # A line at the same edge of most pages (not two of four, which a city name can be by chance).
    needed = max(2, math.ceil(0.6 * readable))
    repeated = {
        key
        for key, n in edge_shapes.items()
        if readable >= 2 and n >= needed and len(re.findall(r"[a-z]", key[1])) >= 3
    }
    body_pages: list[str] = []
    margins: list[str] = []
    for lines in page_lines:
        content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        top, bottom = set(content_idx[:_EDGE_LINES]), set(content_idx[-_EDGE_LINES:])
        kept = []
        for i, line in enumerate(lines):
            shape = _shape(line)
            if (i in top and ("top", shape) in repeated) or (i in bottom and ("bottom", shape) in repeated):
                margins.append(line.strip())
            else:
                kept.append(line)
        body_pages.append("\n".join(kept).strip("\n"))
    if readable >= 2:
        body_pages = [_strip_run_in_margins(page, texts, needed, margins) for page in body_pages]
    ocr_pages = [p for p in pages if p.source == "ocr"]
    confidences = [p.confidence for p in ocr_pages if p.confidence is not None]
    return DeedText(
        body="\n".join(body_pages),
        margins=margins,
        ocr=bool(ocr_pages),
        ocr_confidence=sum(confidences) / len(confidences) if confidences else None,
    )


def squash(text: str) -> str:
    """Whitespace (line breaks included) as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def clean_value(text: str) -> str:
    """A printed value without surrounding separators and trailing punctuation."""
    return squash(text).strip(" \t:;,.-\"'")


def display_case(text: str) -> str:
    """Names printed in capitals read as 'Nitin Prasad Gupta'; mixed case is kept as printed."""
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return text.title()
    return text
