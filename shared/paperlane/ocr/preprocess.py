"""Image clean-up before Tesseract. Each step is a pure function of a grayscale image (0 black, 255 white).

The engine runs them in this order: orientation (turn the page upright), deskew, binarize, and on
pages that look like ruled tables, remove the ruling lines.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

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
# OSD reads the page scaled down to this resolution: on the corpus scans it found the same turn (and a
# confidence above MIN_OSD_CONFIDENCE) as at 300 dpi, in 1.1-1.5 s instead of 1.6-2.3 s.
OSD_DPI = 150

# Background estimation works on a quarter-size image; 11 px there is about 4 mm at 300 dpi: wider than
# the strokes of any body or heading text, narrower than a shaded table row.
_BACKGROUND_KERNEL = 11

# Reversed-out text (light on a dark panel, see ``invert_reversed_text``): a panel is at least this
# high and wide (a line of 8 pt text with a little padding), at least this share of its box is ink,
# its median grey is at most this (darker than mid-grey: not a shaded row), its 10th and 90th
# percentile greys at most this far apart (one flat colour: photos and X-rays with white in them
# spread over 70-140 levels, the scanned sample coupon's title bar over 10), and it holds at least
# this many letter-sized holes, at least this high (smaller ones are speckle in the ink).
# A letter's hole is at most this high and twice as wide as high (white table cells are wider).
MIN_PANEL_MM = 4.0
MIN_PANEL_FILL = 0.5
MAX_PANEL_GREY = 128
MAX_PANEL_SPREAD = 48
MIN_PANEL_GLYPHS = 3
MIN_GLYPH_MM = 1.0
MAX_GLYPH_MM = 20.0

# Glyphs (``glyph_boxes``): blobs of ink this high (6 to about 24 pt text), with a neighbour on their
# line whose centre is within this share of their height vertically and whose edge is within this
# share horizontally.
GLYPH_MIN_MM = 0.8
GLYPH_MAX_MM = 8.0
LINE_SLACK = 0.35
GLYPH_REACH = 1.5

# Ruling lines: a run of ink at least this long (at 300 dpi; scaled with the resolution) is a line,
# not a glyph stroke. 60 px is 5 mm, longer than the bar of a "T" or an "E" in body text.
RULING_KERNEL_PX_300DPI = 60
# Ink pixels the skew is estimated from (a random sample of them): 120,000 found the same angles as
# 300,000 on the corpus scans, in a third of the time.
SKEW_SAMPLE = 120_000
# Horizontal rules of one table stand a row apart: at most this far (a row of large type with padding).
TABLE_ROW_MM = 12.0
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


def invert_reversed_text(image: GrayImage, *, dpi: int = 300) -> tuple[GrayImage, int]:
    """``image`` with its panels of light text on a dark ground (reversed out) turned to dark on light.

    Letterheads, title bars and table headers are often printed white on black or on a dark colour.
    Tesseract reads dark text on a light ground, and ``flatten_background`` takes a dark panel larger
    than its kernel for background and whitens it, white letters and all (on the football sample
    coupon this lost the bookmaker's name, the coupon number and the page number).

    A panel is a connected area of ink (Otsu's threshold of the page) at least ``MIN_PANEL_MM`` high
    and wide, mostly solid (``MIN_PANEL_FILL``), dark and flat (``MAX_PANEL_GREY``,
    ``MAX_PANEL_SPREAD``), with at least ``MIN_PANEL_GLYPHS`` letter-sized holes in it. A ruled grid is
    not solid; shaded table rows are not dark; a photo is not flat; dark text on a shaded ground leaves
    no holes. Each panel (holes included) is
    inverted in place and its edge whitened. Returns the image (``image`` itself when nothing was
    found) and the number of panels.
    """
    _, ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return image, 0
    links = hierarchy[0]  # per contour: next, previous, first child, parent (-1: none)
    px_per_mm = dpi / 25.4
    min_side, min_glyph, max_glyph = (mm * px_per_mm for mm in (MIN_PANEL_MM, MIN_GLYPH_MM, MAX_GLYPH_MM))
    panels = np.zeros_like(image)
    count = 0
    for index, contour in enumerate(contours):
        if links[index][3] != -1:
            continue  # a hole: looked at with its outer contour
        left, top, width, height = cv2.boundingRect(contour)
        if width < min_side or height < min_side:
            continue
        holes = []
        child = links[index][2]
        while child != -1:
            holes.append(contours[child])
            child = links[child][0]
        glyphs = 0
        for hole in holes:
            _, _, hole_w, hole_h = cv2.boundingRect(hole)
            glyphs += min_glyph <= hole_h <= min(max_glyph, 0.9 * height) and hole_w <= 2 * hole_h
        if glyphs < MIN_PANEL_GLYPHS:
            continue
        ink_area = cv2.contourArea(contour) - sum(cv2.contourArea(hole) for hole in holes)
        if ink_area < MIN_PANEL_FILL * width * height:
            continue
        box = (slice(top, top + height), slice(left, left + width))
        low, median, high = np.percentile(image[box][ink[box] > 0], (10, 50, 90))
        if median > MAX_PANEL_GREY or high - low > MAX_PANEL_SPREAD:
            continue
        cv2.drawContours(panels, [contour], -1, 255, cv2.FILLED)
        count += 1
    if not count:
        return image, 0
    # The panel's edge is neither ink nor paper (blurred by the scan), and inverted it would stay a grey
    # frame that Tesseract reads as rules and dashes: a band about 0.3 mm wide across it goes white.
    reach = max(1, round(0.3 * px_per_mm))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1))
    inside = cv2.erode(panels, kernel) > 0
    edge = (cv2.dilate(panels, kernel) > 0) & ~inside
    out = image.copy()
    out[inside] = 255 - out[inside]
    out[edge] = 255
    return out, count


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
    if len(xs) > SKEW_SAMPLE:  # a sample gives the same peaks, many times faster
        pick = np.random.default_rng(0).choice(len(xs), SKEW_SAMPLE, replace=False)
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


Rules = tuple[GrayImage, GrayImage]
Glyphs = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def long_rules(binary: GrayImage, *, dpi: int = 300) -> Rules:
    """The page's horizontal and vertical rules at least four ruling kernels long (20 mm at any dpi):
    cell borders, not underlines of single words (white on black masks)."""
    return _rules(binary, 4 * _kernel_px(dpi))


def looks_like_table(binary: GrayImage, *, dpi: int = 300, rules: Rules | None = None) -> bool:
    """Whether a binarized page carries ruled-table lines (see MIN_TABLE_* for how many), counting its
    ``long_rules`` (passed in when the caller has them already)."""
    horizontal, vertical = rules or long_rules(binary, dpi=dpi)
    rows = cv2.connectedComponents(horizontal)[0] - 1  # label 0 is the background
    columns = cv2.connectedComponents(vertical)[0] - 1
    return (rows >= MIN_TABLE_HORIZONTAL and columns >= MIN_TABLE_VERTICAL) or rows >= MIN_RULED_ROWS


def ruled_share(
    binary: GrayImage, *, dpi: int = 300, rules: Rules | None = None, glyphs: Glyphs | None = None
) -> float:
    """Share of the ink of the page's glyphs (``glyph_boxes``) that lies inside its ruled tables.

    A ruled table's extent is the box around a connected set of its long rules (as ``looks_like_table``
    finds them), rules stacked less than ``TABLE_ROW_MM`` apart joined: the short vertical rules
    between the cells of one row are no long rules, so without that each horizontal rule would be a
    table of its own, and the text between two of them outside both (generated coupon grids read as
    0.27-0.49 ruled, and then with layout analysis, which cut their game recall to a third). A coupon or
    a report printed as one grid has nearly all its text inside; a deed on stamp paper with a ruled
    fee table at the top, little.
    """
    horizontal, vertical = rules or long_rules(binary, dpi=dpi)
    grid = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(1, round(TABLE_ROW_MM * dpi / 25.4))))
    grid = cv2.morphologyEx(grid, cv2.MORPH_CLOSE, bridge)
    count, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    boxes, areas = glyphs or glyph_boxes(binary, dpi=dpi)
    centres = np.column_stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2])
    if count <= 1 or not len(areas):
        return 0.0
    x0, y0 = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[1:, cv2.CC_STAT_WIDTH], y0 + stats[1:, cv2.CC_STAT_HEIGHT]
    xs, ys = centres[:, :1], centres[:, 1:]
    inside = ((xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)).any(axis=1)
    return float(areas[inside].sum() / areas.sum())


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


def glyph_boxes(
    binary: GrayImage, *, dpi: int = 300
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Boxes (N x 4: x0, y0, x1, y1 in pixels, x1 and y1 exclusive) and ink areas (N) of the blobs of
    ink on ``binary`` that look like glyphs.

    A glyph is a connected blob ``GLYPH_MIN_MM`` to ``GLYPH_MAX_MM`` high, at most three times as wide
    as high, with a neighbour of about its height on its line (centres within ``LINE_SLACK`` of its
    height apart vertically, at most ``GLYPH_REACH`` of its height apart horizontally: across a
    monospaced "." too). That keeps the letters and digits of text, even a lone odds column, and
    leaves out rules, specks and most of a drawing's strokes. The engine checks with it that a read
    covered the page's text.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(binary), connectivity=8)
    stats = stats[1:].astype(np.float64)  # label 0 is the paper
    px_per_mm = dpi / 25.4
    left, top, width, height = (stats[:, i] for i in range(4))
    sized = (
        (height >= GLYPH_MIN_MM * px_per_mm) & (height <= GLYPH_MAX_MM * px_per_mm) & (width <= 3 * height)
    )
    left, top, width, height = left[sized], top[sized], width[sized], height[sized]
    areas = stats[sized, cv2.CC_STAT_AREA]
    middle, right = top + height / 2, left + width
    # Neighbours: compared in slices of blobs sorted by their centre line, each against the blobs
    # whose centre lines can be close enough (a page has thousands of blobs, a line some dozens).
    order = np.argsort(middle)
    middle_sorted = middle[order]
    lined = np.zeros(len(order), dtype=bool)
    reach = LINE_SLACK * (height.max() if len(height) else 0.0)
    for start in range(0, len(order), 256):
        mine = order[start : start + 256]
        lo = np.searchsorted(middle_sorted, middle[mine].min() - reach, side="left")
        hi = np.searchsorted(middle_sorted, middle[mine].max() + reach, side="right")
        others = order[lo:hi]
        h = height[mine][:, None]
        same_line = np.abs(middle[mine][:, None] - middle[others][None, :]) <= LINE_SLACK * h
        alike = (height[others][None, :] >= 0.6 * h) & (height[others][None, :] <= 1.6 * h)
        gap = np.maximum(
            left[others][None, :] - right[mine][:, None], left[mine][:, None] - right[others][None, :]
        )
        near = same_line & alike & (gap <= GLYPH_REACH * h) & (mine[:, None] != others[None, :])
        lined[mine] = near.any(axis=1)
    boxes = np.column_stack([left, top, right, top + height])[lined]
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(areas[lined], dtype=np.float64)


def text_lines(boxes: npt.NDArray[np.float64], *, min_glyphs: int = 2) -> list[tuple[int, int, int, int]]:
    """Glyph boxes (``glyph_boxes``) grouped into runs of text on one line: (x0, y0, x1, y1) pixels.

    A glyph joins a run when its centre line is within ``LINE_SLACK`` of the run's glyph height from
    the run's and it starts at most three glyph heights after the run ends (wider gaps are columns).
    Runs of fewer than ``min_glyphs`` glyphs are left out.
    """
    if not len(boxes):
        return []
    runs: list[list[float]] = []  # x0, y0, x1, y1, glyphs, height
    for x0, y0, x1, y1 in sorted(boxes.tolist(), key=lambda b: (b[0], b[1])):
        middle, height = (y0 + y1) / 2, y1 - y0
        for run in runs:
            run_middle, run_height = (run[1] + run[3]) / 2, run[5]
            if abs(middle - run_middle) <= LINE_SLACK * run_height and x0 - run[2] <= 3 * run_height:
                run[0], run[1], run[2], run[3] = (
                    min(run[0], x0),
                    min(run[1], y0),
                    max(run[2], x1),
                    max(run[3], y1),
                )
                run[4] += 1
                run[5] = max(run[5], height)
                break
        else:
            runs.append([x0, y0, x1, y1, 1, height])
    return sorted(
        ((int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in runs if r[4] >= min_glyphs),
        key=lambda b: (b[1], b[0]),
    )


def orientation(
    image: GrayImage, *, dpi: int = 300, min_confidence: float = MIN_OSD_CONFIDENCE
) -> tuple[int, float]:
    """Degrees (0, 90, 180, 270) to turn ``image`` clockwise to make it upright, and OSD's confidence.

    Tesseract's orientation and script detection classifies glyphs in the four orientations; a page
    scanned sideways or upside down reads as garbage otherwise. Fails soft: (0, confidence) when OSD
    is not confident enough, (0, 0.0) when it cannot decide at all (too little text, no osd data).
    """
    if dpi > OSD_DPI:  # as right at 150 dpi, on every page tried, and a third faster
        scale = OSD_DPI / dpi
        image = np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        dpi = OSD_DPI
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
