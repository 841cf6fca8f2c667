"""Cutting a document's text into chunks that fit a token budget.

Tokens are estimated without a tokenizer: ASCII text at 4 characters a token, every other character
(Kannada, Devanagari, accented letters) at one token each. That over-counts Latin text with accents and
is close for Indic scripts, which real tokenizers split into about a token per character; over-counting
only makes chunks smaller, never too large for the model.

Pages are kept whole when they fit and packed greedily into chunks, each page headed by a ``[page N]``
marker so the model (and a reader of the prompt) knows where text comes from. A page larger than the
budget is split on paragraphs (blank lines), then lines, then spaces, and as a last resort anywhere.
Pages with no text are skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from paperlane.pages import Page

_SEPARATORS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[ \t]+"))
_JOIN = "\n\n"


def estimate_tokens(text: str) -> int:
    ascii_chars = len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 4 + (len(text) - ascii_chars))


@dataclass(frozen=True)
class Chunk:
    index: int
    first_page: int
    last_page: int
    text: str
    tokens: int


def chunk_pages(pages: Iterable[Page], budget: int) -> list[Chunk]:
    """The document's text in chunks of at most ``budget`` estimated tokens each."""
    if budget < 50:
        raise ValueError("the chunk budget must be at least 50 tokens")
    pieces: list[tuple[int, str]] = []
    for page in pages:
        text = page.text.strip() if page.source != "none" else ""
        if not text:
            continue
        whole = f"[page {page.page}]\n{text}"
        if estimate_tokens(whole) <= budget:
            pieces.append((page.page, whole))
            continue
        header = estimate_tokens(f"[page {page.page} continued]\n")
        for i, part in enumerate(split_text(text, budget - header)):
            label = f"[page {page.page} continued]" if i else f"[page {page.page}]"
            pieces.append((page.page, f"{label}\n{part}"))
    return _pack(pieces, budget)


def _pack(pieces: Sequence[tuple[int, str]], budget: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[tuple[int, str]] = []
    used = 0
    join_cost = estimate_tokens(_JOIN)

    def flush() -> None:
        text = _JOIN.join(t for _, t in current)
        chunks.append(Chunk(len(chunks), current[0][0], current[-1][0], text, estimate_tokens(text)))

    for page, text in pieces:
        cost = estimate_tokens(text)
        if current and used + join_cost + cost > budget:
            flush()
            current, used = [], 0
        used += cost + (join_cost if current else 0)
        current.append((page, text))
    if current:
        flush()
    return chunks


def split_text(text: str, budget: int) -> list[str]:
    """``text`` in parts of at most ``budget`` estimated tokens, cut at the coarsest boundary that works."""
    return _split(text, budget, 0)


def _split(text: str, budget: int, level: int) -> list[str]:
    if estimate_tokens(text) <= budget:
        return [text]
    if level >= len(_SEPARATORS):
        # No boundary left: every character costs at most one token, so `budget` characters fit.
        return [text[i : i + budget] for i in range(0, len(text), budget)]
    separator = _SEPARATORS[level]
    joiner = "\n\n" if level == 0 else ("\n" if level == 1 else " ")
    parts: list[str] = []
    current = ""
    for segment in separator.split(text):
        if not segment:
            continue
        candidate = f"{current}{joiner}{segment}" if current else segment
        if estimate_tokens(candidate) <= budget:
            current = candidate
            continue
        if current:
            parts.append(current)
        if estimate_tokens(segment) <= budget:
            current = segment
        else:
            parts.extend(_split(segment, budget, level + 1))
            current = ""
    if current:
        parts.append(current)
    return parts
