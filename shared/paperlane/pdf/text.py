"""Read the text layer of a page range into ``Page`` models, and flag pages that need OCR.

Both backends reduce a page to the same raw word tuples; one assembler then puts the blocks in
reading order, numbers them, and builds the page text from the words. So ``text`` and ``words``
always agree, and a page reads the same whichever library produced it.

Reading order is a recursive XY-cut over text blocks (see ``reading_order``). On the 3-column
federal-register-2020-17221.pdf it reads header, column 1, 2, 3, footer, where the content-stream
order (plain ``get_text()``) puts the footnotes before the body, and PyMuPDF 2.0's ``sort=True``
lays the columns out side by side, line by line (and takes 2-3 times as long).
"""

from __future__ import annotations

import gc
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial
from itertools import groupby
from operator import itemgetter
from typing import Any

from paperlane.pages import Box, Page, Word
from paperlane.pdf.inspect import (
    Backend,
    encrypted_error,
    mupdf_errors,
    open_document,
    pymupdf_session,
)
from paperlane.pdf.quality import ocr_reason

logger = logging.getLogger(__name__)

# (x0, y0, x1, y1, text, block, line, word) as PyMuPDF's "words", in displayed page space (origin
# top-left), in content order.
RawWord = tuple[float, float, float, float, str, int, int, int]

# A region whose blocks have at least this many lines (median) is running text, read column by
# column; fewer is cells, labels or list items, read row by row.
_PROSE_MIN_LINES = 3

# Blocks overlapping by less than this (points) still count as apart: producers often let adjacent
# blocks touch or overlap by a hair.
_GAP_TOLERANCE = 0.5

# Images kept on a Page: none narrower or lower than this (points: bullets, rules, logos' specks),
# and at most this many (the largest), so a page tiled with tiny images stays a small record.
_MIN_IMAGE_SIDE = 12.0
_MAX_IMAGES = 32


def extract_pages(
    data: bytes,
    first: int,
    last: int,
    *,
    password: str | None = None,
    backend: Backend = "pymupdf",
) -> list[Page]:
    """Pages ``first``..``last`` (1-based, inclusive) of a PDF, with words and OCR flags.

    ``backend`` is ``PdfInfo.backend`` from ``inspect_pdf``. Raises ValueError when the range is
    outside the document, PdfEncrypted / PdfCorrupt when the file cannot be opened.
    """
    if first < 1 or last < first:
        raise ValueError(f"invalid page range {first}..{last}")
    if backend == "pdfminer":
        pages = list(_pdfminer_pages(data, first, last, password))
        if len(pages) != last - first + 1:
            raise ValueError(f"page range {first}..{last} is outside the document")
        return pages
    return _pymupdf_pages(data, first, last, password)


# --- PyMuPDF -------------------------------------------------------------------------------------


def _pymupdf_pages(data: bytes, first: int, last: int, password: str | None) -> list[Page]:
    with pymupdf_session() as pymupdf, _gc_paused():
        doc = open_document(pymupdf, data, password).doc
        try:
            if last > doc.page_count:
                raise ValueError(f"page range {first}..{last} is outside the document")
            # Default word flags minus two: expand ligatures ("ﬁ" -> "fi", what people search for),
            # and report glyphs without Unicode as U+FFFD instead of their raw CID, which would pass
            # for letters and hide a garbage text layer from quality.py.
            flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
            pages = []
            for number in range(first, last + 1):
                page = doc.load_page(number - 1)
                try:
                    raw = page.get_text("words", flags=flags)
                except mupdf_errors(pymupdf) as exc:
                    # One broken content stream should not sink the document; OCR may still read it.
                    logger.warning("page %d: text layer unreadable: %s", number, exc)
                    raw = []
                width, height = page.rect.width, page.rect.height
                words = _displayed(raw, page.rotation_matrix) if page.rotation else raw
                image_info = cache(page.get_image_info)  # one pass over the content, for both uses
                coverage = partial(_mupdf_image_coverage, page, image_info)
                images = _mupdf_images(page, image_info)
                pages.append(_make_page(number, width, height, words, coverage, images))
            return pages
        finally:
            doc.close()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building pages.

    A page makes some 300 Word models; every 700 allocations the collector scans them, and the
    growing list gets promoted and rescanned: that halved extraction speed on GeoTopo (117 pages).
    Words, dicts and strings hold no cycles, so reference counting frees them all the same. Runs
    under the MuPDF lock, so concurrent extractions cannot interleave pause and resume.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _displayed(raw: Sequence[Any], matrix: Any) -> list[RawWord]:
    """Map word boxes from MuPDF's unrotated page space to the displayed (rotated) space.

    PyMuPDF reports text positions on the unrotated page, even for a page with /Rotate.
    """
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    out: list[RawWord] = []
    for x0, y0, x1, y1, text, block, line, word in raw:
        xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e)
        ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f)
        out.append((min(xs), min(ys), max(xs), max(ys), text, block, line, word))
    return out


def _mupdf_image_coverage(page: Any, image_info: Callable[[], list[dict[str, Any]]]) -> float:
    # Image boxes are on the unrotated page too; clip them to it. Overlaps count twice, which only
    # matters for pages that are images already.
    clip = page.rect * page.derotation_matrix
    area = sum((type(clip)(info["bbox"]) & clip).get_area() for info in image_info())
    return min(1.0, area / clip.get_area()) if clip.get_area() else 0.0


def _mupdf_images(page: Any, image_info: Callable[[], list[dict[str, Any]]]) -> list[Box]:
    """The page's images in displayed space. The resource list is read first: it costs next to
    nothing, and a page without image resources never pays for get_image_info (a content pass,
    some 70% of the cost of reading the words). Inline images are not in the resources; in practice
    they are small marks, not content."""
    if not page.get_images(full=True):
        return []
    clip = page.rect * page.derotation_matrix
    rect = type(clip)
    boxes = []
    for info in image_info():
        shown = (rect(info["bbox"]) & clip) * page.rotation_matrix
        boxes.append((shown.x0, shown.y0, shown.x1, shown.y1))
    return _kept_images(boxes)


def _kept_images(boxes: Iterable[Box]) -> list[Box]:
    big = [b for b in boxes if b[2] - b[0] >= _MIN_IMAGE_SIDE and b[3] - b[1] >= _MIN_IMAGE_SIDE]
    big.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
    return [(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)) for x0, y0, x1, y1 in big[:_MAX_IMAGES]]


# --- pdfminer ------------------------------------------------------------------------------------


def _pdfminer_pages(data: bytes, first: int, last: int, password: str | None) -> Iterator[Page]:
    """Pages read by pdfminer.six, for files MuPDF repairs to nothing."""
    # Imported here: pdfminer is only needed for the rare files MuPDF cannot read.
    from pdfminer.high_level import extract_pages as pdfminer_extract_pages
    from pdfminer.layout import LAParams, LTImage, LTItem, LTPage
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    def images(item: LTItem) -> Iterator[LTImage]:
        if isinstance(item, LTImage):
            yield item
        elif isinstance(item, Iterable):
            for child in item:
                yield from images(child)

    def coverage(layout: LTPage) -> float:
        area = 0.0
        for image in images(layout):
            w = min(image.x1, layout.x1) - max(image.x0, layout.x0)
            h = min(image.y1, layout.y1) - max(image.y0, layout.y0)
            area += max(0.0, w) * max(0.0, h)
        page_area = layout.width * layout.height
        return min(1.0, area / page_area) if page_area else 0.0

    try:
        layouts = pdfminer_extract_pages(
            io.BytesIO(data),
            password=password or "",
            page_numbers=range(first - 1, last),
            laparams=LAParams(all_texts=True, detect_vertical=True),
        )
        for number, layout in enumerate(layouts, start=first):
            words = _pdfminer_words(layout)
            # pdfminer's space is rotated already, origin bottom-left: flip y.
            shown = [
                (i.x0 - layout.x0, layout.y1 - i.y1, i.x1 - layout.x0, layout.y1 - i.y0)
                for i in images(layout)
            ]
            yield _make_page(
                number, layout.width, layout.height, words, partial(coverage, layout), _kept_images(shown)
            )
    except PDFPasswordIncorrect as exc:
        raise encrypted_error(password_given=password is not None) from exc


def _pdfminer_words(layout: Any) -> list[RawWord]:
    """Split pdfminer's text lines on whitespace; a word's box is the union of its glyph boxes.

    pdfminer works in PDF space (origin bottom-left, already rotated by /Rotate); flip y.
    """
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    top, left = layout.y1, layout.x0
    out: list[RawWord] = []

    def boxes(item: Any) -> Iterator[LTTextBox]:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, Iterable):
            for child in item:
                yield from boxes(child)

    for block, box in enumerate(boxes(layout)):
        lines = [line for line in box if isinstance(line, LTTextLine)]
        for line_no, line in enumerate(lines):
            chars: list[Any] = []
            # LTAnno (spaces pdfminer inferred) have no box; they and whitespace glyphs end a word.
            for item in [*line, None]:
                glyph = isinstance(item, LTChar)
                if glyph and not item.get_text().isspace():
                    chars.append(item)
                    continue
                if chars:
                    text = "".join(ch.get_text() for ch in chars)
                    x0, x1 = min(ch.x0 for ch in chars), max(ch.x1 for ch in chars)
                    y0, y1 = min(ch.y0 for ch in chars), max(ch.y1 for ch in chars)
                    word = (x0 - left, top - y1, x1 - left, top - y0, text, block, line_no, len(out))
                    out.append(word)
                    chars = []
    return out


# --- Shared: reading order, text, OCR flag -------------------------------------------------------


def _make_page(
    number: int,
    width: float,
    height: float,
    raw: Sequence[RawWord],
    image_coverage: Callable[[], float],
    images: list[Box],
) -> Page:
    words, text = _assemble(raw)
    reason = ocr_reason(text, image_coverage=image_coverage)
    return Page(
        page=number,
        width=width,
        height=height,
        text=text,
        words=words,
        source="none" if reason else "text",
        needs_ocr=reason is not None,
        ocr_reason=reason,
        images=images,
    )


def _assemble(raw: Sequence[RawWord]) -> tuple[list[Word], str]:
    """Order blocks for reading, renumber blocks and lines from 0, and join the words into text.

    Lines are joined by a newline and blocks by a blank line, so paragraphs survive into ``text``.
    This runs for every word of every page, so it leans on groupby and comprehensions (C loops).
    """
    # Both backends emit a block's words together; were one split, its parts would just be ordered
    # as two blocks.
    blocks = [list(group) for _, group in groupby(raw, key=itemgetter(5))]
    boxes: list[Box] = []
    line_counts: list[int] = []
    for group in blocks:
        x0s, y0s, x1s, y1s, _, _, line_nos, _ = zip(*group, strict=True)
        boxes.append((min(x0s), min(y0s), max(x1s), max(y1s)))
        line_counts.append(len(set(line_nos)))

    words: list[Word] = []
    paragraphs: list[str] = []
    for block_no, index in enumerate(reading_order(boxes, line_counts)):
        lines: list[str] = []
        for line_no, (_, run) in enumerate(groupby(blocks[index], key=itemgetter(6))):
            line = list(run)
            lines.append(" ".join([w[4] for w in line]))
            words.extend([Word(t, x0, y0, x1, y1, block_no, line_no) for x0, y0, x1, y1, t, _, _, _ in line])
        paragraphs.append("\n".join(lines))
    return words, "\n\n".join(paragraphs)


def reading_order(boxes: Sequence[Box], line_counts: Sequence[int] | None = None) -> list[int]:
    """Indices of ``boxes`` (x0, y0, x1, y1; y down) in reading order, by recursive XY-cut.

    ``line_counts`` (lines per box) tells running text from cells. A region of running text that
    has a gutter from top to bottom is read column by column; otherwise it is cut once, at its
    widest horizontal gap, and both halves are looked at afresh: so a header is taken off first,
    and paragraph gaps that happen to line up across columns do not slice the columns into rows.
    A region of cells (tables, forms) is read row by row. A region without gaps keeps the
    content-stream order, the producer's own guess.
    """
    lines = line_counts or [1] * len(boxes)
    out: list[int] = []
    stack = [list(range(len(boxes)))]  # explicit stack: staircase layouts would recurse deeply
    while stack:
        region = stack.pop()
        if len(region) <= 1:
            out.extend(region)
            continue
        rows, gaps = _split(region, boxes, axis=1)
        columns, _ = _split(region, boxes, axis=0)
        prose = sorted(lines[i] for i in region)[len(region) // 2] >= _PROSE_MIN_LINES
        if len(columns) > 1 and (prose or len(rows) == 1):
            parts = columns
        elif len(rows) > 1 and prose:
            cut = gaps.index(max(gaps)) + 1
            parts = [[i for row in rows[:cut] for i in row], [i for row in rows[cut:] for i in row]]
        elif len(rows) > 1:
            parts = rows
        else:
            out.extend(sorted(region))
            continue
        stack.extend(reversed([sorted(part) for part in parts]))  # content order inside a part
    return out


def _split(region: list[int], boxes: Sequence[Box], axis: int) -> tuple[list[list[int]], list[float]]:
    """Bands of boxes separated by empty space along ``axis`` (0: x, 1: y), and the gap widths."""
    lo, hi = axis, axis + 2
    ordered = sorted(region, key=lambda i: boxes[i][lo])
    parts = [[ordered[0]]]
    gaps: list[float] = []
    reach = boxes[ordered[0]][hi]
    for i in ordered[1:]:
        if boxes[i][lo] > reach - _GAP_TOLERANCE:
            parts.append([i])
            gaps.append(boxes[i][lo] - reach)
        else:
            parts[-1].append(i)
        reach = max(reach, boxes[i][hi])
    return parts, gaps
