"""OCR words in reading order, and the page text built from them.

Tesseract numbers blocks, paragraphs and lines in its own order. Here its paragraphs become blocks
(the size of the text layer's blocks), are put in reading order by the text layer's XY-cut
(``paperlane.pdf.text.reading_order``), and blocks and lines are renumbered from 0, so OCR words
look like text-layer words to extractors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import NamedTuple

from paperlane.pages import Word
from paperlane.pdf.text import reading_order


class RawWord(NamedTuple):
    """One word as Tesseract reports it, in image pixels."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    block: tuple[int, int]  # Tesseract's (block_num, par_num)
    line: int  # Tesseract's line_num, unique within its block
    confidence: float


def order_words(raw: Sequence[RawWord]) -> list[Word]:
    """``raw`` as Words, blocks in reading order and blocks and lines numbered from 0; still in pixels.

    Reading order is decided on the image the words were read on (upright), before boxes are mapped
    back to a page that may be displayed turned.
    """
    blocks: dict[tuple[int, int], list[RawWord]] = {}
    for word in raw:
        blocks.setdefault(word.block, []).append(word)
    groups = list(blocks.values())
    boxes = [
        (min(w.x0 for w in g), min(w.y0 for w in g), max(w.x1 for w in g), max(w.y1 for w in g))
        for g in groups
    ]
    line_counts = [len({w.line for w in g}) for g in groups]
    words: list[Word] = []
    for block_no, index in enumerate(reading_order(boxes, line_counts)):
        lines: dict[int, list[RawWord]] = {}
        for word in groups[index]:
            lines.setdefault(word.line, []).append(word)
        for line_no, line in enumerate(lines.values()):
            words.extend(Word(w.text, w.x0, w.y0, w.x1, w.y1, block_no, line_no, w.confidence) for w in line)
    return words


def join_words(words: Iterable[Word]) -> str:
    """Page text from words: a line's words joined by spaces, lines by a newline, blocks by a blank line.

    The same rule as the text layer (``paperlane.pdf.text``), so both kinds of page read alike.
    """
    paragraphs = []
    for _, block in groupby(words, key=lambda w: w.block):
        lines = [" ".join(w.text for w in line) for _, line in groupby(block, key=lambda w: w.line)]
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def mean_confidence(words: Sequence[Word]) -> float | None:
    """Mean recognition confidence of ``words`` (0..100), None when there are none or none has one."""
    scores = [w.confidence for w in words if w.confidence is not None]
    return sum(scores) / len(scores) if scores else None
