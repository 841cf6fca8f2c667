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


def _shape(line: str) -> str:
    """A line with its numbers blanked, so "Sheet 1 of 4" and "Sheet 2 of 4" look alike."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def assemble(pages: list[Page]) -> DeedText:
    texts = [p.text.translate(_ASCII) if p.source != "none" else "" for p in pages]
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
