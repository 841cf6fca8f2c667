"""Generated documents for the generic profile: key-value forms, tables and prose, with the truth.

``document(seed)`` draws a one- or two-page PDF from a seeded RNG and returns what is on each page:
the key-value pairs and every table as a grid of strings (its header first, when it has one). The
variety is what real documents show and what the extractor must not depend on:

- forms: "Label: value" lines with ``:``, `` : ``, ``=`` or dot leaders; labels in one column and
  values aligned in another, with or without a trailing colon; two pairs side by side on a line;
- tables: 2 to 8 columns, 3 to 18 rows, text, amounts, dates, codes and percentages; columns left-,
  right- or centre-aligned; widths from tight to loose; no ruling, a full grid, horizontal rules only,
  or zebra shading (monospaced columns at least two spaces apart, as line printers set them);
  with a header (always for two columns: without one, two columns are a form) or without; a caption
  above, a "Source:" note below;
- prose around them, ragged or justified, sometimes with a colon in a sentence (not a pair).
Everything is invented.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pymupdf

A4 = (595.0, 842.0)
_FONTS = (("helv", "hebo"), ("tiro", "tibo"), ("cour", "cobo"))
_WORDS = (  # noqa: SIM905 - prose is easier to read as prose
    "the report covers activity in each region during the period and compares it with the previous "
    "year while noting changes in demand pricing and the supply of materials across our main markets "
    "customers responded well to the new service levels although costs rose faster than expected in "
    "several areas where contracts were renewed at higher rates"
).split()
_CITIES = ("Lyon", "Porto", "Leeds", "Gdansk", "Turin", "Ghent", "Bilbao", "Malmo", "Cork", "Graz")
_NAMES = ("Anna Keller", "Omar Haddad", "Li Wei", "Sara Costa", "Jonas Berg", "Maya Rao", "Tom Walsh")
_PRODUCTS = ("Steel bolts", "Copper wire", "Valve kit", "Pump seal", "Cable tray", "Hinge set", "Gasket")
_STATUS = ("Open", "Closed", "Pending", "Shipped", "On hold")


def _amount(rng: random.Random) -> str:
    value = rng.uniform(1, 250_000) if rng.random() < 0.7 else rng.uniform(0, 99)
    return f"{value:,.2f}" if rng.random() < 0.8 else f"{value:.2f}"


def _date(rng: random.Random) -> str:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
    return rng.choice((day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d %b %Y")))


def _code(rng: random.Random) -> str:
    return f"{rng.choice('ABCDKMPRX')}{rng.choice('ABCDKMPRX')}-{rng.randint(100, 99999)}"


_KINDS: dict[str, Callable[[random.Random], str]] = {
    "city": lambda r: r.choice(_CITIES),
    "name": lambda r: r.choice(_NAMES),
    "product": lambda r: r.choice(_PRODUCTS),
    "status": lambda r: r.choice(_STATUS),
    "amount": _amount,
    "count": lambda r: str(r.randint(0, 5000)),
    "date": _date,
    "code": _code,
    "percent": lambda r: f"{r.uniform(-20, 80):.1f}%",
}
_HEADERS = {
    "city": ("City", "Site", "Location", "Branch"),
    "name": ("Name", "Contact", "Manager", "Owner"),
    "product": ("Product", "Item", "Description"),
    "status": ("Status", "State"),
    "amount": ("Amount", "Total (EUR)", "Net value", "Cost", "Revenue"),
    "count": ("Units", "Qty", "Orders", "Headcount"),
    "date": ("Date", "Due", "Shipped on", "Updated"),
    "code": ("Code", "Ref.", "Order no", "SKU"),
    "percent": ("Change", "Margin", "Growth %"),
}
_LABELS = (
    ("Invoice number", "code"),
    ("Date", "date"),
    ("Due date", "date"),
    ("Customer", "name"),
    ("Account no.", "code"),
    ("Reference", "code"),
    ("Total amount", "amount"),
    ("Amount paid", "amount"),
    ("Branch", "city"),
    ("Contact person", "name"),
    ("Status", "status"),
    ("Order date", "date"),
    ("Quantity", "count"),
    ("Discount", "percent"),
    ("Delivery city", "city"),
    ("Policy number", "code"),
    ("Payment terms", "terms"),
    ("Currency", "currency"),
)


def _value(rng: random.Random, kind: str) -> str:
    if kind == "terms":
        return rng.choice(("30 days net", "Due on receipt", "60 days"))
    if kind == "currency":
        return rng.choice(("EUR", "USD", "GBP"))
    return _KINDS[kind](rng)


@dataclass
class PageTruth:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    # Each table as rows of cells, its header (when printed) first.
    tables: list[list[list[str]]] = field(default_factory=list)


@dataclass
class StructDoc:
    seed: int
    pdf: bytes
    pages: list[PageTruth]
    notes: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.doc = pymupdf.open()
        self.font, self.bold = rng.choice(_FONTS)
        self.size = rng.choice((8.0, 9.0, 10.0, 11.0))
        self.margin = rng.uniform(40, 70)
        self.truth: list[PageTruth] = []
        self.page: Any = None
        self.y = 0.0
        self.new_page()

    @property
    def right(self) -> float:
        return A4[0] - self.margin

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=A4[0], height=A4[1])
        self.truth.append(PageTruth())
        self.y = self.margin + 10

    def room(self, height: float) -> None:
        if self.y + height > A4[1] - self.margin:
            self.new_page()

    def width(self, text: str, *, bold: bool = False, size: float | None = None) -> float:
        return float(
            pymupdf.get_text_length(
                text, fontname=self.bold if bold else self.font, fontsize=size or self.size
            )
        )

    def text(self, x: float, text: str, *, bold: bool = False, size: float | None = None) -> None:
        self.page.insert_text(
            (x, self.y + (size or self.size)),
            text,
            fontsize=size or self.size,
            fontname=self.bold if bold else self.font,
        )

    def line_gap(self) -> float:
        return self.size * 1.45


def _prose(w: _Writer, sentences: int) -> None:
    rng = w.rng
    parts = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
        sentence = " ".join(words).capitalize()
        if rng.random() < 0.25:  # a colon in a sentence is not a pair
            cut = rng.randint(3, len(words) - 3)
            sentence = " ".join(words[:cut]).capitalize() + ": " + " ".join(words[cut:])
        parts.append(sentence + ".")
    text = " ".join(parts)
    height = w.line_gap() * (len(text) * w.size * 0.5 / (w.right - w.margin) + 3)
    w.room(height)
    rect = pymupdf.Rect(w.margin, w.y, w.right, w.y + height)
    align = rng.choice((pymupdf.TEXT_ALIGN_LEFT, pymupdf.TEXT_ALIGN_JUSTIFY))
    left = w.page.insert_textbox(rect, text, fontsize=w.size, fontname=w.font, align=align, lineheight=1.3)
    w.y += height - max(0.0, left) + w.size


def _form(w: _Writer) -> None:
    rng = w.rng
    style = rng.choice(("inline", "aligned", "leaders", "two_up"))
    labels = rng.sample(_LABELS, rng.randint(3, 8))
    pairs = [(label, _value(rng, kind)) for label, kind in labels]
    truth = w.truth
    w.room(w.line_gap() * (len(pairs) + 2))
    page_truth = truth[-1]
    sep = rng.choice((": ", " : ", " = ")) if style == "inline" else ":" if rng.random() < 0.6 else ""
    lead = " ...." if style == "leaders" else sep
    col = w.margin + max(w.width(label + lead, bold=True) for label, _ in pairs) + rng.uniform(12, 60)
    bold_labels = rng.random() < 0.5
    if style == "two_up":
        half = (w.right - w.margin) / 2
        for i in range(0, len(pairs), 2):
            for j, (label, value) in enumerate(pairs[i : i + 2]):
                w.text(w.margin + j * half, f"{label}: {value}", bold=False)
            w.y += w.line_gap()
        page_truth.pairs.extend(pairs)
        w.y += w.size
        return
    for label, value in pairs:
        if style == "inline":
            w.text(w.margin, f"{label}{sep}{value}")
        elif style == "leaders":
            text = label + " "
            while w.width(text + ".") < col - w.margin - 4:
                text += "."
            w.text(w.margin, text)
            w.text(col, value)
        else:
            w.text(w.margin, label + sep, bold=bold_labels)
            w.text(col, value)
        w.y += w.line_gap() * rng.uniform(1.0, 1.3)
    page_truth.pairs.extend(pairs)
    w.y += w.size


def _table(w: _Writer, notes: list[str]) -> None:
    rng = w.rng
    n_cols = rng.randint(2, 8)
    kinds = [rng.choice(("city", "name", "product", "code", "status"))]
    kinds += [rng.choice(tuple(_KINDS)) for _ in range(n_cols - 1)]
    if n_cols == 2 and kinds[1] in ("city", "name", "product", "status", "code"):
        kinds[1] = "amount"
    header = n_cols == 2 or rng.random() < 0.85
    n_rows = rng.randint(3, 18)
    names = [rng.choice(_HEADERS[k]) for k in kinds]
    # Header cells must differ, or the truth would be ambiguous.
    names = [f"{n} {i}" if names.count(n) > 1 else n for i, n in enumerate(names, start=1)]
    rows = [[_value(rng, k) for k in kinds] for _ in range(n_rows)]
    grid = ([names] if header else []) + rows
    size = w.size
    pad = rng.uniform(3, 14)
    if w.font == "cour":  # line printers set columns at least two spaces apart
        pad = max(pad, 0.6 * size)
    widths = [
        max(w.width(r[c], bold=header and i == 0) for i, r in enumerate(grid)) + 2 * pad
        for c in range(n_cols)
    ]
    scale = min(1.0, (w.right - w.margin) / sum(widths))
    size, pad, widths = size * scale, pad * scale, [x * scale for x in widths]  # too wide: smaller type
    numeric = ("amount", "count", "percent")
    aligns = [
        rng.choice(("left", "right", "centre") if k in numeric else ("left", "left", "centre")) for k in kinds
    ]
    ruling = rng.choice(("none", "grid", "rules", "zebra"))
    row_h = size * rng.uniform(1.5, 2.1)
    caption = rng.random() < 0.6
    w.room(row_h * (len(grid) + 3))
    page_truth = w.truth[-1]
    if caption:
        w.text(
            w.margin,
            f"Table {rng.randint(1, 9)}.{rng.randint(1, 9)}: {rng.choice(_WORDS).capitalize()} by site",
            bold=True,
        )
        w.y += w.line_gap() * 1.4
    x0 = w.margin
    for i, row in enumerate(grid):
        is_header = header and i == 0
        x = x0
        rect = pymupdf.Rect(x0, w.y, x0 + sum(widths), w.y + row_h)
        if ruling == "zebra" and i % 2 == 1:
            w.page.draw_rect(rect, color=None, fill=(0.88, 0.9, 0.95))
        if ruling == "rules" and (i == 0 or is_header):
            w.page.draw_line(rect.tl, rect.tr, width=0.6)
        for c, text in enumerate(row):
            if ruling == "grid":
                w.page.draw_rect(pymupdf.Rect(x, w.y, x + widths[c], w.y + row_h), width=0.4)
            tw = w.width(text, bold=is_header, size=size)
            tx = {"left": x + pad, "right": x + widths[c] - tw - pad, "centre": x + (widths[c] - tw) / 2}[
                aligns[c]
            ]
            w.page.insert_text(
                (tx, w.y + row_h * 0.7), text, fontsize=size, fontname=w.bold if is_header else w.font
            )
            x += widths[c]
        if ruling == "rules" and (is_header or i == len(grid) - 1):
            w.page.draw_line(rect.bl, rect.br, width=0.6)
        w.y += row_h
    page_truth.tables.append(grid)
    notes.append(
        f"table {n_cols}x{len(grid)} header={header} ruling={ruling} aligns={aligns} size={size:.1f}"
    )
    w.y += w.size * 0.8
    if rng.random() < 0.4:
        source = rng.choice(("Company records", "Regional offices, 2024", "Annual survey"))
        w.text(w.margin, f"Source: {source}", size=w.size * 0.85)
        page_truth.pairs.append(("Source", source))
        w.y += w.line_gap()
    w.y += w.size


def document(seed: int) -> StructDoc:
    rng = random.Random(seed)
    w = _Writer(rng)
    notes: list[str] = [f"font={w.font} size={w.size}"]
    w.text(
        w.margin,
        f"{rng.choice(('Quarterly', 'Annual', 'Site'))} report {rng.randint(100, 999)}",
        bold=True,
        size=w.size + 5,
    )
    w.y += w.line_gap() * 2
    blocks = [rng.choice(("prose", "form", "table", "table")) for _ in range(rng.randint(3, 6))]
    for block in blocks:
        if block == "prose":
            _prose(w, rng.randint(2, 5))
        elif block == "form":
            _form(w)
        else:
            _table(w, notes)
        w.y += w.size * rng.uniform(0.5, 2.0)
    return StructDoc(seed, w.doc.tobytes(), w.truth, notes)


# ------------------------------------------------------------------------------------- scoring


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(":.").strip().casefold()


@dataclass
class Score:
    found: int = 0
    expected: int = 0
    correct: int = 0
    predicted: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.expected += other.expected
        self.correct += other.correct
        self.predicted += other.predicted


def score_pairs(got: list[tuple[str, str]], want: list[tuple[str, str]]) -> Score:
    """A pair counts when its key and value are both equal (case, spaces and a trailing ":" aside)."""
    wanted = [(_norm(k), _norm(v)) for k, v in want]
    mine = [(_norm(k), _norm(v)) for k, v in got]
    pool = list(wanted)
    correct = 0
    for pair in mine:
        if pair in pool:
            pool.remove(pair)
            correct += 1
    return Score(found=correct, expected=len(wanted), correct=correct, predicted=len(mine))


def _aligned_matches(got: list[list[str]], want: list[list[str]]) -> tuple[int, set[tuple[int, int]]]:
    """Cells of ``want`` found at the same row and column of ``got``, at the best shift of ``got``'s
    origin (at most 3 rows or columns either way), and which cells of ``got`` those were."""
    best: tuple[int, set[tuple[int, int]]] = (0, set())
    for dr in range(-3, 4):
        for dc in range(-3, 4):
            hits: set[tuple[int, int]] = set()
            for r, row in enumerate(want):
                for c, cell in enumerate(row):
                    gr, gc = r + dr, c + dc
                    if (
                        cell
                        and 0 <= gr < len(got)
                        and 0 <= gc < len(got[gr])
                        and _norm(got[gr][gc]) == _norm(cell)
                    ):
                        hits.add((gr, gc))
            if len(hits) > best[0]:
                best = (len(hits), hits)
    return best


def score_tables(got: list[list[list[str]]], want: list[list[list[str]]]) -> Score:
    """Cells: a cell of a printed table is found when some extracted table on the page holds the same
    text at the same row and column, once that table is aligned to the printed one. Precision is over
    every non-empty extracted cell of the page."""
    score = Score(expected=sum(1 for t in want for r in t for c in r if c))
    score.predicted = sum(1 for t in got for r in t for c in r if c)
    used: set[tuple[int, int, int]] = set()
    for table in want:
        best = (0, -1, set[tuple[int, int]]())
        for i, candidate in enumerate(got):
            n, hits = _aligned_matches(candidate, table)
            if n > best[0]:
                best = (n, i, hits)
        score.found += best[0]
        used.update((best[1], r, c) for r, c in best[2])
    score.correct = len(used)
    return score
