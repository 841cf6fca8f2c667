"""OCR of one PDF page: render, turn upright, deskew, turn reversed-out text (light on dark panels) dark
on light, clean up, read with Tesseract.

The result is a ``Page`` like the text layer's (``source="ocr"``), with word boxes in PDF points in the
page's displayed space: boxes found on the turned and deskewed image are mapped back through the same
transforms, so they sit where the words are on the page as shown.

One Tesseract read per page, chosen by layout: a page that is mostly a ruled table is read as one
block (psm 6) from the binary image with its rules erased, any other page with automatic layout
analysis (psm 3) from the background-flattened grayscale. A second read, the other way, only runs
when the first left text unread (glyphs of the page outside every word it found), and then the better
read is kept, with the other's words where it has none. Each read costs about what the ``tesseract``
command takes for the page, so the rule keeps the stage near one read per page (bench/ocr.py).

Orientation detection (Tesseract OSD) costs 1.1-1.5 s on a page (at 150 dpi), as much as reading a
sparse page. So the page is first read as rendered, and OSD only runs when that read is poor: on the
corpus scans, upright pages read with a mean confidence of 70-93 and the same pages turned 90 or 180
degrees with 26-38 (``UPRIGHT_MIN_CONFIDENCE`` sits between), or came out as lines running down the
page (``_sideways``). Pages that need turning pay one extra read; the others skip OSD.
"""

from __future__ import annotations

import logging
import re
import time
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from paperlane.ocr import geometry, preprocess, selection
from paperlane.ocr.geometry import Affine
from paperlane.ocr.layout import join_words, mean_confidence
from paperlane.ocr.render import GrayImage, render_page
from paperlane.ocr.tesseract import check_languages, ocr_image, ocr_lines
from paperlane.pages import Page, Word

logger = logging.getLogger(__name__)

# A read as rendered with at least this mean confidence is taken as upright (see the module doc).
UPRIGHT_MIN_CONFIDENCE = 60.0
# Table pages are read as one uniform block (psm 6) with the rules erased: automatic layout analysis
# (psm 3) cuts a ruled grid into cells and drops some, and reads rules as "|" stuck to the figures
# (scanned sample coupon: word recall 0.960 as a block, 0.943 with layout analysis); with the rules
# left in, psm 6 reads the grid itself and almost nothing else.
BLOCK_PSM = 6
# A page is a table page when it has ruled tables (``preprocess.looks_like_table``) and at least this
# share of its text lies inside them: prose with a ruled box on it (a deed's stamp-paper fee table,
# 4-6%) reads better with layout analysis, from the grey levels (the block read took "Dr." for "Or.").
MIN_RULED_SHARE = 0.5
# The page is read the other way too when the first read left more than this share of the text's ink
# (``_unread_share``) outside its words. Automatic layout analysis drops whole columns of figures from
# listings laid out with spaces (odds on generated coupons: 13-35% of the glyphs unread, recall
# 0.45-0.74 where the block read gets 0.91-0.98), while on the corpus scans read well it leaves 0-3%
# (letters of a drawing and stray marks).
MAX_UNREAD_SHARE = 0.06
# Words of the read not kept that are added where the kept one read nothing (``_with_missed_words``)
# need at least this confidence: below it they are mostly a rule or speckle read as text.
MIN_MISSED_CONFIDENCE = 60.0
# Runs of at least this many glyphs outside every word are read again (``_missed_lines``), at most
# this many runs a page (a page of drawings or speckle could make hundreds).
MIN_MISSED_GLYPHS = 2
MAX_MISSED_LINES = 40
# A word that carries text: at least one letter or digit (see ``_Read.score``).
_CONTENT = re.compile(r"[^\W_]")


class OcrResult(BaseModel):
    page: Page
    mean_confidence: float | None  # of the page's words, 0..100; None when no word was read
    rotation: int  # degrees the rendered page was turned clockwise to be upright (0, 90, 180, 270)
    skew_degrees: float  # tilt removed after that, counter-clockwise as seen
    table_lines_removed: bool  # the words come from the image with its ruling lines erased
    seconds: float  # wall time of the whole page
    engine: selection.Engine = "tesseract"


def _sideways(words: list[Word]) -> bool:
    """Most words stand taller than wide: Tesseract read the lines running down the page.

    It does that by itself for text turned 90 degrees clockwise (it reads top-to-bottom lines, as in
    vertical CJK), with full confidence, so confidence alone would take such a page as upright. The
    text is right, but its lines and blocks would be ordered as columns; turning the page fixes that.
    """
    long_words = [w for w in words if len(w.text) >= 3]
    tall = sum(w.y1 - w.y0 > w.x1 - w.x0 for w in long_words)
    return tall > len(long_words) / 2


class _Read(NamedTuple):
    """One way of reading the page: the image it was read on and what came out."""

    image: GrayImage  # upright and deskewed, grayscale
    to_page: Affine  # its pixels -> page points
    rotation: int
    skew: float
    words: list[Word]
    binary: GrayImage  # ``image`` binarised
    table: bool  # ``image`` looks like a ruled table, and was read as one block with the rules erased
    glyphs: preprocess.Glyphs  # ``preprocess.glyph_boxes`` of ``binary``

    @property
    def score(self) -> float:
        """Words read, weighted by how sure Tesseract was of them; words without a letter or digit
        do not count.

        Those are mostly ruling lines read as text ("|", "_", "—"), often with fair confidence: on
        the sample football coupon the plain read of the grid made 106 "|" words, enough to outscore
        the read with the rules erased, which had the better recall (0.955 against 0.934).
        """
        return sum(w.confidence or 0.0 for w in self.words if _CONTENT.search(w.text))


# A read as rendered is upright, however poor its mean confidence, when at least this many of its
# words of three or more letters, and this share of them, were read with ``SURE_CONFIDENCE``. On the
# corpus scans, upright pages of a poor scan (mean confidence 36-41) had 20-30 such words, 16-29% of
# their words of three letters; the same pages and the good ones turned upside down 0-21, at most 9%.
MIN_SURE_WORDS = 5
MIN_SURE_SHARE = 0.12
SURE_CONFIDENCE = 85.0


def _surely_upright(words: list[Word]) -> bool:
    """Whether enough words read surely to skip orientation detection (see ``MIN_SURE_SHARE``)."""
    lettered = [w for w in words if sum(c.isalpha() for c in w.text) >= 3]
    sure = sum((w.confidence or 0.0) >= SURE_CONFIDENCE for w in lettered)
    return sure >= MIN_SURE_WORDS and sure >= MIN_SURE_SHARE * len(lettered)


def _unread(read: _Read, glyphs: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Which of ``glyphs`` (pixel boxes on ``read.image``, ``preprocess.glyph_boxes``) lie outside
    every word of ``read``: their centres go to the page through ``read.to_page`` and count as read
    when inside a word's box, give or take half a millimetre."""
    centres = np.vstack([(glyphs[:, 0] + glyphs[:, 2]) / 2, (glyphs[:, 1] + glyphs[:, 3]) / 2])
    points = read.to_page @ np.vstack([centres, np.ones(len(glyphs))])
    xs, ys = points[0][:, None], points[1][:, None]
    slack = 72 / 25.4 / 2
    boxes = np.array([(w.x0, w.y0, w.x1, w.y1) for w in read.words], dtype=np.float64).reshape(-1, 4)
    inside = np.zeros(len(glyphs), dtype=bool)
    for start in range(0, len(boxes), 256):  # glyphs x words at once, a slice of the words at a time
        x0, y0, x1, y1 = (boxes[start : start + 256, i][None, :] for i in range(4))
        hit = (xs >= x0 - slack) & (xs <= x1 + slack) & (ys >= y0 - slack) & (ys <= y1 + slack)
        inside |= hit.any(axis=1)
    return np.asarray(~inside)


def _unread_share(read: _Read) -> float:
    """Share of the ink of the glyphs of ``read``'s image outside its words."""
    glyphs, areas = read.glyphs
    if not len(areas):
        return 0.0
    return float(areas[_unread(read, glyphs)].sum() / areas.sum())


def _missed_lines(read: _Read) -> list[tuple[int, int, int, int]]:
    """Runs of glyphs on one line (pixel boxes on ``read.image``) that no word of ``read`` covers: text
    Tesseract's layout analysis dropped, such as a short heading on a shaded band between two rules."""
    glyphs, areas = read.glyphs
    if not len(areas):
        return []
    lines = preprocess.text_lines(glyphs[_unread(read, glyphs)], min_glyphs=MIN_MISSED_GLYPHS)
    return lines[:MAX_MISSED_LINES]


def _with_missed_words(words: list[Word], others: list[Word]) -> list[Word]:
    """``words``, and after them the words of another read of the page where ``words`` have none.

    Each layout analysis drops something the other reads: the plain read whole columns of figures,
    the block read a heading squeezed between a table's rules. A word of the other read counts when
    it is sure (``MIN_MISSED_CONFIDENCE``), has a letter or a digit, and its box touches no box of
    ``words``; such words come as blocks of their own after the page's (their place in the reading
    order is not known), in their read's order.
    """
    if not words:
        return others
    boxes = np.array([(w.x0, w.y0, w.x1, w.y1) for w in words], dtype=np.float64)
    added: list[Word] = []
    first_block = words[-1].block + 1
    for word in others:
        if (word.confidence or 0.0) < MIN_MISSED_CONFIDENCE or not _CONTENT.search(word.text):
            continue
        touches = (
            (boxes[:, 0] <= word.x1)
            & (word.x0 <= boxes[:, 2])
            & (boxes[:, 1] <= word.y1)
            & (word.y0 <= boxes[:, 3])
        )
        if not touches.any():
            added.append(word._replace(block=first_block + word.block))
    if added:
        logger.info("%d words of the other read where the kept one has none", len(added))
    return words + added


def ocr_page(
    data: bytes,
    page_number: int,
    *,
    width: float,
    height: float,
    languages: str = "eng",
    password: str | None = None,
    dpi: int = 300,
    engine: str = "auto",
) -> OcrResult:
    """OCR page ``page_number`` (1-based) of ``data``; ``width`` x ``height``: its displayed size in points.

    ``engine`` is the OCR_ENGINE setting (``selection.choose``). Raises OcrUnavailable (before any
    rendering) when no engine is installed, or Tesseract lacks one of ``languages`` ("eng", "eng+kan");
    PdfEncrypted / PdfCorrupt / ValueError as ``render_page``.
    """
    started = time.perf_counter()
    if selection.choose(engine) == "rapidocr":
        return _ocr_page_rapid(data, page_number, width=width, height=height, password=password, dpi=dpi)
    check_languages(languages)
    rendered = render_page(data, page_number, dpi=dpi, password=password)
    rendered_h, rendered_w = rendered.shape[:2]
    to_page = geometry.scaling(width / rendered_w, height / rendered_h)

    def read(rotation: int) -> _Read:
        """Turn the render ``rotation`` degrees clockwise, deskew, read it."""
        image, to_image = rendered, to_page
        if rotation:
            image = preprocess.rotate_upright(rendered, rotation)
            turn = geometry.quarter_turns(-(rotation // 90), rendered_w, rendered_h)
            to_image = to_image @ geometry.invert(turn)
        turned_h, turned_w = image.shape[:2]
        image, skew = preprocess.deskew(image)
        if skew:
            to_image = to_image @ geometry.invert(geometry.rotation(-skew, turned_w, turned_h)[0])
        image, _ = preprocess.invert_reversed_text(image, dpi=dpi)
        binary = preprocess.binarize(image)
        rules = preprocess.long_rules(binary, dpi=dpi)
        glyphs = preprocess.glyph_boxes(binary, dpi=dpi)
        table = preprocess.looks_like_table(binary, dpi=dpi, rules=rules) and (
            preprocess.ruled_share(binary, dpi=dpi, rules=rules, glyphs=glyphs) >= MIN_RULED_SHARE
        )
        words = read_block(binary, to_image) if table else read_plain(image, to_image)
        return _Read(image, to_image, rotation, skew, words, binary, table, glyphs)

    def read_plain(image: GrayImage, to_image: Affine) -> list[Word]:
        """Automatic layout analysis (psm 3) of the background-flattened grayscale.

        Not of our binary image: Tesseract thresholds by itself for layout, and its LSTM recogniser
        reads the grey levels. On mls-salaries-2016.pdf page 1 the binary image lost a column (word
        recall 0.84 against 0.997).
        """
        flat = preprocess.flatten_background(image)
        return ocr_image(flat, page_width=width, page_height=height, languages=languages, to_page=to_image)

    def read_block(binary: GrayImage, to_image: Affine) -> list[Word]:
        """The binary image with its ruling lines erased, read as one uniform block (psm 6)."""
        cleared = preprocess.remove_ruling_lines(binary, dpi=dpi)
        return ocr_image(
            cleared,
            page_width=width,
            page_height=height,
            languages=languages,
            psm=BLOCK_PSM,
            to_page=to_image,
        )

    best = read(0)
    confidence = mean_confidence(best.words)
    poor = confidence is None or confidence < UPRIGHT_MIN_CONFIDENCE
    if (poor and not _surely_upright(best.words)) or _sideways(best.words):
        rotation, osd_confidence = preprocess.orientation(rendered, dpi=dpi)
        logger.info(
            "page %d: read with mean confidence %s; OSD says turn %d (confidence %.1f)",
            page_number,
            "none" if confidence is None else f"{confidence:.0f}",
            rotation,
            osd_confidence,
        )
        if rotation:
            turned = read(rotation)
            # A sideways read can score as well as the upright one (same words): prefer upright then,
            # unless it reads clearly worse (OSD was wrong).
            margin = 0.9 if _sideways(best.words) else 1.0
            best = turned if turned.score > margin * best.score else best

    # One read per page: ruled tables as one block (psm 6) with the rules erased, where automatic layout
    # analysis (psm 3) cuts the grid into cells and drops some; other pages with automatic layout
    # analysis. Only when that read left text unread is the page read the other way too, and the better
    # read kept, with the words the other one found where it has none.
    unread = _unread_share(best)
    other_kept = False
    if unread > MAX_UNREAD_SHARE:
        if best.table:
            other_words = read_plain(best.image, best.to_page)
        else:
            other_words = read_block(best.binary, best.to_page)
        other = best._replace(words=other_words)
        other_kept = other.score > best.score
        logger.info(
            "page %d: %.0f%% of the text unread by the %s read (%d words, score %.0f); the other read "
            "%d words (score %.0f)",
            page_number,
            100 * unread,
            "table" if best.table else "plain",
            len(best.words),
            best.score,
            len(other.words),
            other.score,
        )
        kept, spare = (other, best) if other_kept else (best, other)
        best = kept._replace(words=_with_missed_words(kept.words, spare.words))

    # Lines no read covered (a heading on a shaded band, a lone figure) are cut out and read once more,
    # all in one call; their words join where the page has none.
    missed = _missed_lines(best)
    if missed:
        cut_from = (
            preprocess.remove_ruling_lines(best.binary, dpi=dpi)
            if best.table and not other_kept
            else preprocess.flatten_background(best.image)
        )
        found = ocr_lines(
            cut_from, missed, page_width=width, page_height=height, to_page=best.to_page, languages=languages
        )
        logger.info("page %d: %d lines unread, %d words read on them", page_number, len(missed), len(found))
        best = best._replace(words=_with_missed_words(best.words, found))

    words = best.words
    page = Page(
        page=page_number,
        width=width,
        height=height,
        text=join_words(words),
        words=words,
        source="ocr",
        needs_ocr=False,
    )
    return OcrResult(
        page=page,
        mean_confidence=mean_confidence(words),
        rotation=best.rotation,
        skew_degrees=best.skew,
        table_lines_removed=best.table and not other_kept,
        seconds=time.perf_counter() - started,
    )


def _ocr_page_rapid(
    data: bytes, page_number: int, *, width: float, height: float, password: str | None, dpi: int
) -> OcrResult:
    """The page read by RapidOCR: rendered and deskewed, as for Tesseract.

    No orientation pass (Tesseract's OSD is what detects it; RapidOCR's own classifier turns upside-down
    lines only) and no ruling-line removal (its detector finds text inside table cells by itself).
    Languages are those of its bundled multilingual model; OCR_LANGUAGES names Tesseract's data.
    """
    from paperlane.ocr import rapid  # ONNX Runtime: only when this engine runs

    started = time.perf_counter()
    rendered = render_page(data, page_number, dpi=dpi, password=password)
    rendered_h, rendered_w = rendered.shape[:2]
    to_page = geometry.scaling(width / rendered_w, height / rendered_h)
    image, skew = preprocess.deskew(rendered)
    if skew:
        to_page = to_page @ geometry.invert(geometry.rotation(-skew, rendered_w, rendered_h)[0])
    words = rapid.ocr_image(image, page_width=width, page_height=height, to_page=to_page)
    page = Page(
        page=page_number,
        width=width,
        height=height,
        text=join_words(words),
        words=words,
        source="ocr",
        needs_ocr=False,
    )
    return OcrResult(
        page=page,
        mean_confidence=mean_confidence(words),
        rotation=0,
        skew_degrees=skew,
        table_lines_removed=False,
        seconds=time.perf_counter() - started,
        engine="rapidocr",
    )
