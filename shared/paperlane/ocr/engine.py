"""OCR of one PDF page: render, turn upright, deskew, clean up, clear ruling lines, read with Tesseract.

The result is a ``Page`` like the text layer's (``source="ocr"``), with word boxes in PDF points in the
page's displayed space: boxes found on the turned and deskewed image are mapped back through the same
transforms, so they sit where the words are on the page as shown.

Orientation detection (Tesseract OSD) costs 1.2-1.7 s on a 300 dpi page, as much as reading a sparse
page. So the page is first read as rendered, and OSD only runs when that read is poor: on the
corpus scans, upright pages read with a mean confidence of 70-93 and the same pages turned 90 or 180
degrees with 26-38 (``UPRIGHT_MIN_CONFIDENCE`` sits between), or came out as lines running down the
page (``_sideways``). Pages that need turning pay one extra read; the others skip OSD.
"""

from __future__ import annotations

import logging
import time
from typing import NamedTuple

from pydantic import BaseModel

from paperlane.ocr import geometry, preprocess, selection
from paperlane.ocr.geometry import Affine
from paperlane.ocr.layout import join_words, mean_confidence
from paperlane.ocr.render import GrayImage, render_page
from paperlane.ocr.tesseract import check_languages, ocr_image
from paperlane.pages import Page, Word

logger = logging.getLogger(__name__)

# A read as rendered with at least this mean confidence is taken as upright (see the module doc).
UPRIGHT_MIN_CONFIDENCE = 60.0
# Table pages are also read as one uniform block (psm 6) with the rules erased: automatic layout
# analysis (psm 3) cuts a ruled grid into cells and drops some; with the rules left in, psm 6 reads
# the grid itself and almost nothing else.
TABLE_PSM = 6


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

    @property
    def score(self) -> float:
        # Words read, weighted by how sure Tesseract was of them.
        return len(self.words) * (mean_confidence(self.words) or 0.0)


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
        # Tesseract reads the background-flattened grayscale, not our binary image: it thresholds by
        # itself for layout, and its LSTM recogniser reads the grey levels. On mls-salaries-2016.pdf
        # page 1 the binary image lost a column (word recall 0.84 against 0.997).
        flat = preprocess.flatten_background(image)
        words = ocr_image(flat, page_width=width, page_height=height, languages=languages, to_page=to_image)
        return _Read(image, to_image, rotation, skew, words)

    best = read(0)
    confidence = mean_confidence(best.words)
    if confidence is None or confidence < UPRIGHT_MIN_CONFIDENCE or _sideways(best.words):
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

    table = False
    binary = preprocess.binarize(best.image)
    if preprocess.looks_like_table(binary, dpi=dpi):
        cleared = preprocess.remove_ruling_lines(binary, dpi=dpi)
        table_words = ocr_image(
            cleared,
            page_width=width,
            page_height=height,
            languages=languages,
            psm=TABLE_PSM,
            to_page=best.to_page,
        )
        as_table = best._replace(words=table_words)
        # Keep the better read. Measured on ruled tables with a text layer for truth (page 1 of
        # ca-warn-report, Publication_of_award..., budget, eu-004): each path wins some pages, by
        # recall and by this score alike, and neither loses more than 2 points of recall.
        table = as_table.score >= best.score
        logger.info(
            "page %d: table-like; plain %d words (score %.0f), lines removed %d words (score %.0f)",
            page_number,
            len(best.words),
            best.score,
            len(table_words),
            as_table.score,
        )
        if table:
            best = as_table

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
        table_lines_removed=table,
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
