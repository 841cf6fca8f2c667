"""RapidOCR (PP-OCR models on ONNX Runtime, shipped inside the ``rapidocr`` wheel): the fallback engine.

It needs no system package, so a machine without Tesseract can still OCR. RapidOCR finds text *lines*
(a quadrilateral and its text, with one score); here they become the same Words as Tesseract's: each
line is split at spaces, a word's x range taken in proportion to its characters' place in the line
(the models give no per-word box), every word keeping its line's score as a 0..100 confidence. Lines
stacked closely with overlapping columns are grouped into blocks, then ordered like Tesseract's.

The engine is built once per process (loading the models takes about a second) with one ONNX thread:
like Tesseract, pages run in parallel instead (RESEARCH.md).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from paperlane.errors import OcrUnavailable
from paperlane.ocr import geometry
from paperlane.ocr.geometry import Affine
from paperlane.ocr.layout import RawWord, order_words
from paperlane.ocr.render import GrayImage
from paperlane.pages import Word

logger = logging.getLogger(__name__)

INSTALL_HINT = "`pip install rapidocr onnxruntime` (the models ship inside the wheel)"
# Lines closer than this many line heights, one under the other, belong to one block.
BLOCK_GAP_LINES = 0.8

_lock = threading.Lock()


class Line(NamedTuple):
    """One text line as RapidOCR reports it, in image pixels (the box around its quadrilateral)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float  # 0..1


def available() -> bool:
    """Whether RapidOCR and ONNX Runtime are importable (without importing them: that takes ~1 s)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable(
            f"OCR is unavailable: RapidOCR could not be imported ({exc}). Install it: {INSTALL_HINT}."
        ) from exc
    # Warnings only: at info level RapidOCR logs every stage of every page.
    return RapidOCR(
        params={
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def read_lines(image: GrayImage) -> list[Line]:
    """The text lines RapidOCR finds on ``image``, in its order (top to bottom)."""
    with _lock:  # the first call loads the models; later ones find them cached
        engine = _engine()
    # The models take three channels.
    output = engine(np.repeat(image[:, :, None], 3, axis=2))
    if output.boxes is None or output.txts is None:
        return []
    lines: list[Line] = []
    for quad, text, score in zip(output.boxes, output.txts, output.scores, strict=True):
        xs = [float(point[0]) for point in quad]
        ys = [float(point[1]) for point in quad]
        if str(text).strip():
            lines.append(Line(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
    return lines


def split_line(line: Line) -> list[tuple[str, float, float]]:
    """(word, x0, x1) for each space-separated word of ``line``, x in proportion to character offsets."""
    text = line.text
    per_char = (line.x1 - line.x0) / len(text)
    words: list[tuple[str, float, float]] = []
    start = None
    for index, char in enumerate(text + " "):
        if char.isspace():
            if start is not None:
                words.append((text[start:index], line.x0 + start * per_char, line.x0 + index * per_char))
                start = None
        elif start is None:
            start = index
    return words


def group_blocks(lines: Sequence[Line]) -> list[int]:
    """A block number for each line: a line joins the block whose last line sits just above it."""
    numbers = [0] * len(lines)
    last: list[Line] = []  # the latest line of each block
    for index in sorted(range(len(lines)), key=lambda i: (lines[i].y0, lines[i].x0)):
        line = lines[index]
        height = line.y1 - line.y0
        found = len(last)
        for number, above in enumerate(last):
            gap = line.y0 - above.y1
            overlap = min(line.x1, above.x1) - max(line.x0, above.x0)
            if -0.5 * height <= gap <= BLOCK_GAP_LINES * height and overlap > 0:
                found = number
                break
        if found == len(last):
            last.append(line)
        else:
            last[found] = line
        numbers[index] = found
    return numbers


def ocr_image(image: GrayImage, *, page_width: float, page_height: float, to_page: Affine) -> list[Word]:
    """The words RapidOCR reads on ``image``, boxed in points on the page (as ``tesseract.ocr_image``)."""
    lines = read_lines(image)
    raw: list[RawWord] = []
    for number, (line, block) in enumerate(zip(lines, group_blocks(lines), strict=True)):
        for text, x0, x1 in split_line(line):
            raw.append(RawWord(text, x0, line.y0, x1, line.y1, (block, 0), number, 100.0 * line.score))
    words: list[Word] = []
    for word in order_words(raw):
        x0, y0, x1, y1 = geometry.map_box(to_page, (word.x0, word.y0, word.x1, word.y1))
        x0, x1 = min(max(x0, 0.0), page_width), min(max(x1, 0.0), page_width)
        y0, y1 = min(max(y0, 0.0), page_height), min(max(y1, 0.0), page_height)
        words.append(word._replace(x0=x0, y0=y0, x1=x1, y1=y1))
    return words
