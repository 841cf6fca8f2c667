"""Visual lines and segments: the geometry tables and key-value pairs are found in.

A visual line is the words whose boxes share most of their height, however the PDF (or OCR) grouped
them: cells of one table row are often separate blocks. A segment is a run of words on a line closer
than about half a character height: a phrase, a cell, a label or a value. Gaps wider than that are
where columns may part; whether they do is decided across lines (tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from paperlane.pages import Word

# Words on one line overlap vertically by at least this share of the smaller height.
_SAME_LINE = 0.5
# Words closer than this many line heights belong to one segment (a space is ~0.25 of a height).
SEGMENT_GAP = 0.38
_MIN_SEGMENT_GAP = 2.0
# ... or than this many of the page's spaces (monospaced type has wide ones), whichever is wider.
_SPACES = 1.6
_PROPORTIONAL_SPACE = 0.5
_MONOSPACED = (0.8, 1.2)
_MIN_GAPS = 8


@dataclass
class Segment:
    x0: float
    x1: float
    words: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Line:
    y0: float
    y1: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def _usable(word: Word) -> bool:
    # Vertical text (rotated labels, margins) and empty boxes cannot be placed on a line.
    width, height = word.x1 - word.x0, word.y1 - word.y0
    return 0 < height < 4 * max(width, 1.0) + 20 and width > 0 and word.text.strip() != ""


def _middle(word: Word) -> float:
    return word.y0 + word.y1


def visual_lines(words: Sequence[Word]) -> list[Line]:
    """The page's lines from top to bottom, each with its segments from left to right."""
    ordered = sorted([w for w in words if _usable(w)], key=_middle)
    groups: list[list[Word]] = []
    group: list[Word] = []
    top = bottom = 0.0
    for word in ordered:
        y0, y1 = word.y0, word.y1
        if group and (bottom if bottom < y1 else y1) - (top if top > y0 else y0) >= _SAME_LINE * min(
            bottom - top, y1 - y0
        ):
            group.append(word)
            if y0 < top:
                top = y0
            if y1 > bottom:
                bottom = y1
            continue
        group = [word]
        groups.append(group)
        top, bottom = y0, y1
    for group in groups:
        group.sort(key=lambda w: w.x0)
    # Each word's mean character width.
    widths = [[(w.x1 - w.x0) / max(1, len(w.text)) for w in group] for group in groups]
    space = _space_chars(groups, widths)
    return [_line(g, c, space) for g, c in zip(groups, widths, strict=True)]


def _space_chars(groups: list[list[Word]], widths: list[list[float]]) -> float:
    """How wide a space is on this page, in character widths: about 0.5 in proportional type (the
    line-height rule then decides), about 1 in monospaced type, where it must widen the rule."""
    ratios = sorted(
        2 * (group[k].x0 - group[k - 1].x1) / (cws[k] + cws[k - 1])
        for group, cws in zip(groups, widths, strict=True)
        for k in range(1, len(group))
        if group[k].x0 > group[k - 1].x1
    )
    if len(ratios) < _MIN_GAPS:
        return _PROPORTIONAL_SPACE
    # The narrowest tenth of the gaps are spaces between words, whatever the rest are.
    low = ratios[len(ratios) // 10]
    return low if _MONOSPACED[0] <= low <= _MONOSPACED[1] else _PROPORTIONAL_SPACE


def _line(words: list[Word], widths: list[float], space: float) -> Line:
    height = median([w.y1 - w.y0 for w in words])
    gap = max(SEGMENT_GAP * height, _MIN_SEGMENT_GAP)
    factor = _SPACES * space / 2
    first = words[0]
    segment = Segment(first.x0, first.x1, [first.text])
    segments = [segment]
    for k in range(1, len(words)):
        w = words[k]
        if w.x0 - segment.x1 <= max(gap, factor * (widths[k] + widths[k - 1])):
            segment.words.append(w.text)
            if w.x1 > segment.x1:
                segment.x1 = w.x1
        else:
            segment = Segment(w.x0, w.x1, [w.text])
            segments.append(segment)
    return Line(min(w.y0 for w in words), max(w.y1 for w in words), segments)
