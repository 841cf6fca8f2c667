"""Tesseract through pytesseract: word boxes with confidences, orientation, and what is installed.

Every call to Tesseract in the package goes through here, so it always runs single-threaded and a
missing binary or language always surfaces as ``OcrUnavailable`` with the command that fixes it.

Single-threaded: Tesseract's OpenMP build uses every core for one page, which on 2 cores made a dense
page about 6x slower (36 s vs 5.9 s; RESEARCH.md). We parallelise across pages instead. OpenMP reads
``OMP_THREAD_LIMIT`` once, when the tesseract process starts, and no ``-c`` variable can change it,
so it must be in the child's environment. pytesseract spawns the child with ``env=os.environ`` (the
live mapping, read at spawn time), so the variable is set in ``os.environ`` around each call
(``os.putenv`` would not do: ``subprocess`` copies ``os.environ``, not the C environment).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import pytesseract  # type: ignore[import-untyped]  # ships no type information
from PIL import Image

from paperlane.errors import ExtractionFailed, OcrUnavailable
from paperlane.ocr import geometry
from paperlane.ocr.geometry import Affine
from paperlane.ocr.layout import RawWord, order_words
from paperlane.ocr.render import GrayImage
from paperlane.pages import Word

logger = logging.getLogger(__name__)

INSTALL_HINT = (
    "Install Tesseract 4 or later with its English and orientation data, for example "
    "`apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd` on Debian or Ubuntu."
)
MIN_VERSION = 4  # the LSTM recogniser; 3.x reads far worse

# Language codes as tessdata names them: eng, kan, chi_sim, deu_latf...
_LANGUAGE = re.compile(r"^[a-z]{3}(_[a-z]+)*$")


# --- Availability ---------------------------------------------------------------------------------


def installed_languages() -> frozenset[str]:
    """The traineddata Tesseract can load. Raises OcrUnavailable when Tesseract is missing or too old.

    Checked once per tesseract command (``pytesseract.pytesseract.tesseract_cmd``); a failed check is
    not remembered, so installing Tesseract fixes a running worker.
    """
    return _probe(str(pytesseract.pytesseract.tesseract_cmd))


@functools.lru_cache(maxsize=8)
def _probe(command: str) -> frozenset[str]:
    try:
        version = pytesseract.get_tesseract_version()
        languages = pytesseract.get_languages()
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(
            f"OCR is unavailable: Tesseract was not found (looked for {command!r}). {INSTALL_HINT}",
            details={"tesseract_cmd": command},
        ) from exc
    except SystemExit as exc:  # pytesseract exits on output it cannot parse as a version
        raise OcrUnavailable(
            f"OCR is unavailable: {command!r} did not report a Tesseract version. {INSTALL_HINT}",
            details={"tesseract_cmd": command},
        ) from exc
    if version.major < MIN_VERSION:
        raise OcrUnavailable(
            f"OCR is unavailable: Tesseract {version} is too old. {INSTALL_HINT}",
            details={"tesseract_cmd": command, "version": str(version)},
        )
    logger.debug("tesseract %s at %s: %s", version, command, " ".join(sorted(languages)))
    return frozenset(str(language) for language in languages)


def check_languages(languages: str) -> list[str]:
    """Split ``languages`` ("eng", "eng+kan") and check Tesseract has each; OcrUnavailable if not."""
    wanted = languages.split("+")
    bad = [language for language in wanted if not _LANGUAGE.match(language)]
    if bad:
        raise OcrUnavailable(
            f"OCR language {bad[0]!r} is not a Tesseract language code. Use three-letter codes joined "
            "by '+', such as 'eng' or 'eng+kan'.",
            details={"languages": languages},
        )
    available = installed_languages()
    missing = [language for language in wanted if language not in available]
    if missing:
        packages = " ".join(debian_package(language) for language in missing)
        raise OcrUnavailable(
            f"OCR language data is missing for {', '.join(missing)}. Install it, for example "
            f"`apt-get install {packages}` on Debian or Ubuntu (installed: "
            f"{', '.join(sorted(available)) or 'none'}).",
            details={"missing": missing, "installed": sorted(available)},
        )
    return wanted


def debian_package(language: str) -> str:
    """The Debian/Ubuntu package holding ``language``'s traineddata: chi_sim -> tesseract-ocr-chi-sim."""
    return "tesseract-ocr-" + language.replace("_", "-")


# --- Running Tesseract ----------------------------------------------------------------------------


class _OpenMpLimit:
    """Holds ``OMP_THREAD_LIMIT=1`` in ``os.environ`` while any thread runs Tesseract.

    Counted rather than set and restored per call: with pages OCR'd on threads, one call restoring the
    old value must not strip it from another call that is about to spawn its process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: str | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = os.environ.get("OMP_THREAD_LIMIT")
                os.environ["OMP_THREAD_LIMIT"] = "1"
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    if self._saved is None:
                        os.environ.pop("OMP_THREAD_LIMIT", None)
                    else:
                        os.environ["OMP_THREAD_LIMIT"] = self._saved


_OPENMP = _OpenMpLimit()


@contextmanager
def _tesseract_call(what: str) -> Iterator[None]:
    """Run one pytesseract call single-threaded, turning its failures into domain errors."""
    with _OPENMP.held():
        try:
            yield
        except pytesseract.TesseractNotFoundError as exc:
            _probe.cache_clear()
            raise OcrUnavailable(f"OCR is unavailable: Tesseract was not found. {INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:
            raise ExtractionFailed(
                f"Tesseract failed during {what}: {exc.message}",
                details={"status": exc.status},
            ) from exc


def _uncompressed(image: GrayImage) -> Image.Image:
    """``image`` for pytesseract to hand over as a BMP file, not its default PNG.

    pytesseract writes the image to a temporary file for the tesseract process; compressing a 300 dpi
    page to PNG took 0.4 s and decoding it again more, about 0.5 s of a 3.7 s read (corpus scan
    test_3863.pdf page 3). A BMP is written and read in a few milliseconds.
    """
    picture = Image.fromarray(np.ascontiguousarray(image))
    picture.format = "BMP"
    return picture


class Orientation(NamedTuple):
    """What Tesseract's orientation detection (OSD) says about an image."""

    rotate: int  # degrees (0, 90, 180, 270) to turn the image clockwise to make its text upright
    confidence: float  # Tesseract's orientation confidence; above ~2 it was right on every page we tried


def detect_orientation(image: GrayImage, *, dpi: int = 300) -> Orientation | None:
    """Tesseract's OSD of ``image``, or None when it cannot tell (too little text, no osd data)."""
    if "osd" not in installed_languages():
        logger.warning("orientation not detected: Tesseract has no osd data (%s)", debian_package("osd"))
        return None
    try:
        with _tesseract_call("orientation detection"):
            result = pytesseract.image_to_osd(
                _uncompressed(image), config=f"--dpi {dpi}", output_type=pytesseract.Output.DICT
            )
    except ExtractionFailed as exc:
        # "Too few characters. Skipping this page? OSD failed": blank pages, photos, a few words.
        logger.info("orientation not detected: %s", exc.message)
        return None
    rotate = int(result.get("rotate", 0)) % 360
    if rotate not in (0, 90, 180, 270):
        return None
    return Orientation(rotate, float(result.get("orientation_conf", 0.0)))


def ocr_image(
    image: GrayImage,
    *,
    page_width: float,
    page_height: float,
    languages: str = "eng",
    psm: int | None = None,
    to_page: Affine | None = None,
) -> list[Word]:
    """The words Tesseract reads on ``image``, boxed in points on a ``page_width`` x ``page_height`` page.

    By default ``image`` is the whole page as rendered (``render_page``): pixels map to points by the
    ratio of the page's size to the image's, which is exact whatever dpi it was rendered at (MuPDF
    rounds the pixel size up, so 72/dpi would be off by up to a pixel). When the image was turned or
    deskewed after rendering, ``to_page`` maps its pixels to points instead; boxes are then the
    bounding boxes of the mapped word boxes, clipped to the page.

    Blocks are Tesseract's paragraphs, put in reading order by the same XY-cut as the text layer and
    numbered from 0, lines numbered from 0 within their block; ``confidence`` is Tesseract's (0..100).
    Raises OcrUnavailable when Tesseract or a language is missing.
    """
    wanted = check_languages(languages)
    height_px, width_px = image.shape[:2]
    if to_page is None:
        to_page = geometry.scaling(page_width / width_px, page_height / height_px)
    # Tell Tesseract the resolution (a PNG carries none; it guesses, and sizes its filters by it).
    dpi = round(72 / abs(float(np.linalg.det(to_page[:2, :2]))) ** 0.5)
    # No second try of doubtful lines as white on black (tessedit_do_invert): the engine turns reversed
    # text itself (preprocess.invert_reversed_text), and the retry cost 7% of the reading time on the
    # corpus scans.
    config = f"--dpi {max(dpi, 70)} -c tessedit_do_invert=0" + (f" --psm {psm}" if psm is not None else "")
    with _tesseract_call("text recognition"):
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            _uncompressed(image), lang="+".join(wanted), config=config, output_type=pytesseract.Output.DICT
        )
    raw = _raw_words(data)
    words: list[Word] = []
    for word in order_words(raw):
        x0, y0, x1, y1 = geometry.map_box(to_page, (word.x0, word.y0, word.x1, word.y1))
        x0, x1 = min(max(x0, 0.0), page_width), min(max(x1, 0.0), page_width)
        y0, y1 = min(max(y0, 0.0), page_height), min(max(y1, 0.0), page_height)
        words.append(word._replace(x0=x0, y0=y0, x1=x1, y1=y1))
    return words


def ocr_lines(
    image: GrayImage,
    lines: list[tuple[int, int, int, int]],
    *,
    page_width: float,
    page_height: float,
    to_page: Affine,
    languages: str = "eng",
    pad: int = 12,
) -> list[Word]:
    """The words on ``lines`` (pixel boxes of ``image``), read in one Tesseract call, boxed in points.

    Each line is cut out with ``pad`` pixels around it, and the cuts are stacked one above the other
    on white, ``pad`` apart, and read as one uniform block (psm 6): one process for all of them, where
    a call per line would cost a process start each. A word belongs to the cut its centre falls in
    and is mapped back through that cut's place on ``image``, then ``to_page``. Each line's words
    make one block, numbered from 0 in the order of ``lines``.
    """
    wanted = check_languages(languages)
    if not lines:
        return []
    height_px, width_px = image.shape[:2]
    cuts = []
    for line_x0, line_y0, line_x1, line_y1 in lines:
        cut_x, cut_y = max(line_x0 - pad, 0), max(line_y0 - pad, 0)
        cut = image[cut_y : min(line_y1 + pad, height_px), cut_x : min(line_x1 + pad, width_px)]
        cuts.append((cut_x, cut_y, cut))
    stack = np.full(
        (sum(c.shape[0] + pad for _, _, c in cuts) + pad, max(c.shape[1] for _, _, c in cuts) + 2 * pad),
        255,
        dtype=np.uint8,
    )
    places = []  # per cut: its first row in the stack, its height, and its offset back to ``image``
    row = pad
    for cut_x, cut_y, cut in cuts:
        stack[row : row + cut.shape[0], pad : pad + cut.shape[1]] = cut
        places.append((row, cut.shape[0], cut_x - pad, cut_y - row))
        row += cut.shape[0] + pad
    dpi = round(72 / abs(float(np.linalg.det(to_page[:2, :2]))) ** 0.5)
    config = f"--dpi {max(dpi, 70)} -c tessedit_do_invert=0 --psm 6"
    with _tesseract_call("text recognition"):
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            _uncompressed(stack), lang="+".join(wanted), config=config, output_type=pytesseract.Output.DICT
        )
    words: list[Word] = []
    for raw in _raw_words(data):
        middle = (raw.y0 + raw.y1) / 2
        found = [i for i, (first, rows, _, _) in enumerate(places) if first <= middle < first + rows]
        if not found:
            continue  # read in the white between two cuts: nothing that was there
        index = found[0]
        _, _, dx, dy = places[index]
        box = geometry.map_box(to_page, (raw.x0 + dx, raw.y0 + dy, raw.x1 + dx, raw.y1 + dy))
        left, right = min(max(box[0], 0.0), page_width), min(max(box[2], 0.0), page_width)
        top, bottom = min(max(box[1], 0.0), page_height), min(max(box[3], 0.0), page_height)
        words.append(Word(raw.text, left, top, right, bottom, block=index, line=0, confidence=raw.confidence))
    return sorted(words, key=lambda w: (w.block, w.x0))


def _raw_words(data: dict[str, list[Any]]) -> list[RawWord]:
    """Word rows of Tesseract's TSV (level 5) with text and a confidence, in Tesseract's order."""
    columns = ("level", "block_num", "par_num", "line_num", "left", "top", "width", "height", "conf", "text")
    rows = zip(*(data.get(name, []) for name in columns), strict=False)
    out: list[RawWord] = []
    for level, block, par, line, left, top, width, height, conf, text in rows:
        text = str(text).strip()
        if level != 5 or not text or float(conf) < 0:
            continue
        out.append(
            RawWord(
                text=text,
                x0=float(left),
                y0=float(top),
                x1=float(left + width),
                y1=float(top + height),
                block=(int(block), int(par)),
                line=int(line),
                confidence=float(conf),
            )
        )
    return out
