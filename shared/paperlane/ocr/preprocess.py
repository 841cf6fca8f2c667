"""Image clean-up before Tesseract. Each step is a pure function of a grayscale image (0 black, 255 white).

The engine runs them in this order: orientation (turn the page upright), deskew, binarize, and on
pages that look like ruled tables, remove the ruling lines.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from paperlane.ocr import geometry
from paperlane.ocr.render import GrayImage
from paperlane.ocr.tesseract import detect_orientation

# Skews beyond this are not scanner skew but layout (a stamp, a photo of a page at an angle); leave them.
MAX_SKEW_DEGREES = 10.0
# Below this a rotation would blur the glyphs (interpolation) for no gain: Tesseract copes with it.
MIN_SKEW_DEGREES = 0.2
# OSD's orientation confidence at and above which we turn the page. It was right on every page tried
# (corpus scans and synthetic pages turned by 90/180/270), where confidences ran from 2.4 (a sparse
# page of large text) to 33; below 2 it starts to guess.
MIN_OSD_CONFIDENCE = 2.0

# Background estimation works on a quarter-size image; 11 px there is about 4 mm at 300 dpi: wider than
# the strokes of any body or heading text, narrower than a shaded table row.
_BACKGROUND_KERNEL = 11

# Ruling lines: a run of ink at least this long (at 300 dpi; scaled with the resolution) is a line,
# not a glyph stroke. 60 px is 5 mm, longer than the bar of a "T" or an "E" in body text.
RULING_KERNEL_PX_300DPI = 60
# A page is table-like with this many long rules: a ruled grid has rows and columns; one rule under a
# letterhead or a signature line does not make a table.
MIN_TABLE_HORIZONTAL = 3
MIN_TABLE_VERTICAL = 2
MIN_RULED_ROWS = 6  # or this many horizontal rules alone (tables ruled between rows only)


def binarize(image: GrayImage) -> GrayImage:
    """Black text on white: flatten the background, blur lightly, then Otsu's threshold.

    Shaded table rows and grey or uneven scan backgrounds are what make Tesseract drop words
    (RESEARCH.md: 22% recall on shaded tables). A global threshold alone does not help: on a page
    with many shaded rows Otsu puts the threshold between the shade and the paper, and whole rows turn
    black. So the background (the page with its text closed over, see ``flatten_background``) is
    divided out first, which makes shaded cells and paper both white and leaves text black. The 3x3
    Gaussian blur then evens out scanner noise and JPEG speckle so single pixels do not flip, and
    Otsu picks the threshold between ink and paper from the page's own histogram.
    """
    blurred = cv2.GaussianBlur(flatten_background(image), (3, 3), 0)
    _, binary = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def flatten_background(image: GrayImage) -> GrayImage:
    """``image`` divided by its local background, so paper and shading become white and ink stays dark.

    The background is a morphological closing (the lightest level within a few millimetres), which
    closes over glyphs and thin rules but follows areas larger than that: shaded rows, a grey scan, a
    fold's shadow. It is computed at a quarter of the size (the same result, 16 times less work) and
    scaled back up.
    """
    height, width = image.shape[:2]
    small = cv2.resize(image, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_BACKGROUND_KERNEL, _BACKGROUND_KERNEL))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(image, np.maximum(background, 1), scale=255)
    return np.asarray(flat, dtype=np.uint8)


def estimate_skew(image: GrayImage, *, max_degrees: float = MAX_SKEW_DEGREES) -> float:
    """The angle (degrees, counter-clockwise as seen) by which the text lines on ``image`` are tilted.

    Projection profiles: the ink pixels are projected across the page along each candidate angle, and
    text lines seen edge-on give the sharpest profile (tall peaks for lines, empty gaps between them).
    This reads the angle from all the text at once, so a few pictures, stamps or rules do not swing
    it, where fitting a rectangle around the ink would follow the layout. Coarse search in 0.5 degree
    steps over +-``max_degrees``, then 0.05 degree steps around the best. Returns 0.0 for pages
    without enough ink to tell.
    """
    _, ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) < 500:
        return 0.0
    if len(xs) > 300_000:  # a sample gives the same peaks, many times faster
        pick = np.random.default_rng(0).choice(len(xs), 300_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xf, yf = xs.astype(np.float64), ys.astype(np.float64)

    def sharpness(degrees: float) -> float:
        # A line tilted counter-clockwise by a has y + x tan(a) constant along it; rotated coordinates
        # keep the scale the same for every angle.
        theta = math.radians(degrees)
        offsets = yf * math.cos(theta) + xf * math.sin(theta)
        counts = np.bincount((offsets - offsets.min()).astype(np.int64))
        return float(np.dot(counts, counts))

    coarse = np.arange(-max_degrees, max_degrees + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    angle = float(max(fine, key=sharpness))
    # A flat profile (a photo, noise) peaks anywhere; only trust an angle clearly sharper than none.
    if sharpness(angle) < 1.02 * sharpness(0.0):
        return 0.0
    return max(-max_degrees, min(max_degrees, round(angle, 2)))


def deskew(image: GrayImage, *, max_degrees: float = MAX_SKEW_DEGREES) -> tuple[GrayImage, float]:
    """``image`` turned so its text lines are level, and the skew that was removed (degrees, CCW).

    Tesseract finds lines well up to a degree or so of tilt; beyond that words of one line get split
    across lines and line boxes overlap. The canvas grows so no corner is cut off; new area is white.
    Skews under ``MIN_SKEW_DEGREES`` are left alone (the image is returned as is, with angle 0.0).
    """
    angle = estimate_skew(image, max_degrees=max_degrees)
    if abs(angle) < MIN_SKEW_DEGREES:
        return image, 0.0
    return rotate(image, -angle), angle


def rotate(image: GrayImage, degrees: float) -> GrayImage:
    """``image`` rotated ``degrees`` counter-clockwise on a canvas grown to fit, with white corners."""
    height, width = image.shape[:2]
    matrix, size = geometry.rotation(degrees, width, height)
    turned = cv2.warpAffine(
        image, matrix[:2], size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return np.asarray(turned, dtype=np.uint8)


def _kernel_px(dpi: int) -> int:
    return max(15, round(RULING_KERNEL_PX_300DPI * dpi / 300))


def _rules(binary: GrayImage, length: int) -> tuple[GrayImage, GrayImage]:
    """Ink in horizontal and vertical runs of at least ``length`` pixels (white on black masks)."""
    ink = cv2.bitwise_not(binary)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return np.asarray(horizontal, dtype=np.uint8), np.asarray(vertical, dtype=np.uint8)


def looks_like_table(binary: GrayImage, *, dpi: int = 300) -> bool:
    """Whether a binarized page carries ruled-table lines (see MIN_TABLE_* for how many).

    Counts rules at least four ruling kernels long (20 mm at any dpi): cell borders, not underlines
    of single words.
    """
    horizontal, vertical = _rules(binary, 4 * _kernel_px(dpi))
    rows = cv2.connectedComponents(horizontal)[0] - 1  # label 0 is the background
    columns = cv2.connectedComponents(vertical)[0] - 1
    return (rows >= MIN_TABLE_HORIZONTAL and columns >= MIN_TABLE_VERTICAL) or rows >= MIN_RULED_ROWS


def remove_ruling_lines(binary: GrayImage, *, dpi: int = 300) -> GrayImage:
    """A binarized page with its horizontal and vertical ruling lines erased (turned white).

    Tesseract takes a ruled grid for text (lines become "|" and "_" and swallow neighbouring glyphs) or
    for a picture, and drops whole cells. Morphological opening with a long thin kernel keeps only
    runs of ink longer than any glyph stroke (``RULING_KERNEL_PX_300DPI``, scaled with ``dpi``);
    those are the rules, and erasing them leaves the text strokes, cut only where they cross a rule.
    """
    horizontal, vertical = _rules(binary, _kernel_px(dpi))
    # A scanned rule's edges are ragged: rows of it that are not solid for a whole kernel survive the
    # opening as dashes, which Tesseract reads as "-", "_" and ".". Widening the mask across the rule
    # (about 0.2 mm each side) takes them too; glyphs lose only that much where they touch a rule.
    reach = max(1, round(2 * dpi / 300))
    across_h = cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * reach + 1))
    across_v = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 1))
    rules = cv2.bitwise_or(cv2.dilate(horizontal, across_h), cv2.dilate(vertical, across_v))
    return np.asarray(cv2.bitwise_or(binary, rules), dtype=np.uint8)


def orientation(
    image: GrayImage, *, dpi: int = 300, min_confidence: float = MIN_OSD_CONFIDENCE
) -> tuple[int, float]:
    """Degrees (0, 90, 180, 270) to turn ``image`` clockwise to make it upright, and OSD's confidence.

    Tesseract's orientation and script detection classifies glyphs in the four orientations; a page
    scanned sideways or upside down reads as garbage otherwise. Fails soft: (0, confidence) when OSD
    is not confident enough, (0, 0.0) when it cannot decide at all (too little text, no osd data).
    """
    found = detect_orientation(image, dpi=dpi)
    if found is None:
        return 0, 0.0
    if found.confidence < min_confidence:
        return 0, found.confidence
    return found.rotate, found.confidence


def rotate_upright(image: GrayImage, rotate: int) -> GrayImage:
    """``image`` turned ``rotate`` degrees clockwise (a multiple of 90): exact, no interpolation."""
    if rotate % 90:
        raise ValueError(f"rotate must be a multiple of 90, got {rotate}")
    return np.ascontiguousarray(np.rot90(image, -(rotate // 90) % 4))
