"""Whether a missing fee could be read by a vision model: is the fee table in the deed as a picture?

A fee the rules did not find is ``needs_vision`` only on evidence that the table is there but not as
text, and is otherwise reported as not found (the deed does not state it):

- a table-sized picture in a text page (not a whole-page scan), with fee or registration wording near
  it: in the lines just above or below it, or at the foot of the previous page when the picture opens
  its page (a table pushed over a page break);
- a page that is one picture: OCR'd, with such wording in what OCR read (it read the page, not the
  table), or unread altogether (no text layer, OCR failed), which may hold anything.
"""

from __future__ import annotations

import re
from itertools import groupby

from paperlane.pages import Box, Page

_FEE_WORDS = re.compile(
    r"\bfees?\b|\bstamp\s+duty\b|\b(?:endorsement|certificate)\s+of\s+registration\b"
    r"|\bregistration\s+details\b",
    re.IGNORECASE,
)
# A fee table as a picture: at least a fifth of the page wide and two lines high, and well short of
# the whole page (a scan is OCR's business).
_MIN_WIDTH_SHARE = 0.2
_MIN_HEIGHT = 24.0
_MAX_AREA_SHARE = 0.6
# How far from the picture (points) its caption or heading may be: a few lines.
_NEAR = 120.0
# Running headers and footers sit in these shares of the page height; they are not the picture's text.
_HEADER_SHARE, _FOOTER_SHARE = 0.1, 0.92

Line = tuple[float, float, str]  # (top, bottom, text)


def fee_table_pictured(pages: list[Page]) -> bool:
    """True when the deed shows evidence of a fee table that only a picture holds (module docstring)."""
    for i, page in enumerate(pages):
        if page.source == "none":
            return True
        if page.source == "ocr" and _FEE_WORDS.search(page.text):
            return True
        tables = [box for box in page.images if _table_sized(box, page)]
        if not tables:
            continue
        lines = _lines(page)
        if not lines:  # a page given without word boxes: its text is all there is to go by
            if _FEE_WORDS.search(page.text):
                return True
            continue
        previous = _lines(pages[i - 1]) if i > 0 else []
        if any(_captioned(box, page, lines, previous, pages[i - 1] if i > 0 else None) for box in tables):
            return True
    return False


def _table_sized(box: Box, page: Page) -> bool:
    width, height = box[2] - box[0], box[3] - box[1]
    area = page.width * page.height
    return (
        width >= _MIN_WIDTH_SHARE * page.width
        and height >= _MIN_HEIGHT
        and (area <= 0 or width * height <= _MAX_AREA_SHARE * area)
    )


def _lines(page: Page) -> list[Line]:
    out: list[Line] = []
    for _, run in groupby(page.words, key=lambda w: (w.block, w.line)):
        words = list(run)
        out.append((min(w.y0 for w in words), max(w.y1 for w in words), " ".join(w.text for w in words)))
    return out


def _captioned(box: Box, page: Page, lines: list[Line], previous: list[Line], before: Page | None) -> bool:
    top, bottom = box[1], box[3]
    near = [t for y0, y1, t in lines if top - _NEAR <= y1 <= top + 2 or bottom - 2 <= y0 <= bottom + _NEAR]
    if any(_FEE_WORDS.search(t) for t in near):
        return True
    opens_page = all(y1 <= _HEADER_SHARE * page.height for _, y1, _ in lines if y1 <= top + 2)
    if opens_page and before is not None:
        body = [ln for ln in previous if ln[0] < _FOOTER_SHARE * before.height]
        foot = sorted(body)[-3:]
        return any(_FEE_WORDS.search(t) for _, _, t in foot)
    return False
