"""Text keys shared by the team and league tables: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus an accent.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ł": "l", "Ł": "l", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents; punctuation kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def key(text: str) -> str:
    """The lookup key: folded, "&" read as "and", apostrophes dropped, other punctuation as spaces."""
    folded = fold(text).replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", folded).split())
