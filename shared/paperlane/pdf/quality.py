"""Is a page's text layer worth keeping, or should the page be OCRed instead?

Pure functions over strings (plus the share of the page covered by images), so the rules can be
tested without PDFs and reused for any backend. Counting goes through ``collections.Counter`` so the
per-character work runs in C; only the distinct characters of a page are classified in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Literal

OcrReason = Literal["no_text", "garbage"]

# A page needs at least this many letters or digits to count as having text. Below it, what is there
# is a stray page number, a bullet or a mark left by the scanner, never the page's content.
MIN_MEANINGFUL_CHARS = 3

# Scans often carry a little real text on top of the image: a date typed into a scanned form, a Bates
# number, "Scanned by ...". A page mostly covered by images (SCAN_IMAGE_COVERAGE of its area) with
# fewer than SPARSE_TEXT_CHARS letters or digits is such a scan: its content is in the image.
SPARSE_TEXT_CHARS = 32
SCAN_IMAGE_COVERAGE = 0.5

# A text layer is garbage when more than this share of its visible characters is unreadable. OCR of
# a clean render gets well over 95% of characters right, so a layer that loses one in five is worse
# than OCR; the margin keeps legitimate pages with a few symbol-font bullets (private use) far away.
MAX_BAD_SHARE = 0.2

# pdfminer writes "(cid:NN)" for a glyph whose font has no Unicode mapping.
_CID = re.compile(r"\(cid:\d+\)")

# UTF-8 read as cp1252/latin-1: a lead byte shown as U+00C2..U+00F4, then continuation bytes shown
# as U+0080..U+00BF or their cp1252 look-alikes ("Ã©" for "é", "â€”" for an em dash). Candidates
# are confirmed by decoding them back, so ordinary accented text does not count.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+"
)

# Unicode categories that never belong in extracted text: control characters (whitespace aside),
# private use (glyphs without a Unicode meaning), surrogates and unassigned code points.
_BAD_CATEGORIES = frozenset({"Cc", "Co", "Cs", "Cn"})
_REPLACEMENT = "\ufffd"


def _is_bad_char(ch: str) -> bool:
    if ch == _REPLACEMENT:
        return True
    return not ch.isspace() and unicodedata.category(ch) in _BAD_CATEGORIES


def _is_mojibake(fragment: str) -> bool:
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = fragment.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        # Real mojibake decodes to what Western text is made of (accented Latin letters, typographic
        # punctuation, € and ™); symbol-font junk like "Ü•" decodes to e.g. Syriac and is not it.
        return all(ch < "\u0300" or "\u2000" <= ch < "\u2150" for ch in fixed)
    return False


def _cid_chars(text: str) -> tuple[int, int]:
    """Characters spent on "(cid:NN)" sequences, and how many of those are letters or digits."""
    if "(cid:" not in text:
        return 0, 0
    spans = _CID.findall(text)
    total = sum(len(s) for s in spans)
    return total, total - 3 * len(spans)  # all but "(", ":" and ")" are letters or digits


def meaningful_chars(text: str) -> int:
    """Letters and digits (any script), not counting the "cid" and digits of "(cid:NN)" sequences."""
    return _meaningful(text, Counter(text))


def _meaningful(text: str, counts: Counter[str]) -> int:
    alnum = sum(n for ch, n in counts.items() if ch.isalnum())
    return alnum - _cid_chars(text)[1]


def text_quality(text: str) -> float:
    """Share (0..1) of the visible characters that are readable.

    Unreadable: control, private-use, unassigned and U+FFFD characters, "(cid:NN)" sequences and
    mojibake. Empty text scores 1.0: it is missing, not bad, and ``ocr_reason`` reports that case.
    """
    return _quality(text, Counter(text))


def _quality(text: str, counts: Counter[str]) -> float:
    visible = sum(n for ch, n in counts.items() if not ch.isspace())
    if visible == 0:
        return 1.0
    bad = sum(n for ch, n in counts.items() if _is_bad_char(ch))
    bad += _cid_chars(text)[0]
    if not text.isascii():
        # Control characters inside a fragment were counted above already.
        fragments = (m for m in _MOJIBAKE.findall(text) if _is_mojibake(m))
        bad += sum(1 for m in fragments for ch in m if not _is_bad_char(ch))
    return max(0.0, 1.0 - bad / visible)


def is_garbage(text: str) -> bool:
    """True when the text exists but too much of it is unreadable to be worth keeping."""
    return text_quality(text) < 1.0 - MAX_BAD_SHARE


def ocr_reason(text: str, *, image_coverage: float | Callable[[], float] = 0.0) -> OcrReason | None:
    """Why a page with this text layer needs OCR, or None when its text is good.

    ``image_coverage`` is the share (0..1) of the page area covered by images, or a function that
    measures it; that function is only called for pages with little text, since it costs a pass
    over the page.
    """
    counts = Counter(text)  # once: this runs for every page
    # Garbage first: a layer of nothing but U+FFFD has no letters, yet it is a text layer, and broken.
    if _quality(text, counts) < 1.0 - MAX_BAD_SHARE:
        return "garbage"
    meaningful = _meaningful(text, counts)
    if meaningful < MIN_MEANINGFUL_CHARS:
        return "no_text"
    if meaningful < SPARSE_TEXT_CHARS:
        coverage = image_coverage() if callable(image_coverage) else image_coverage
        if coverage >= SCAN_IMAGE_COVERAGE:
            return "no_text"
    return None
