"""OCR image clean-up on synthetic pages: deskew, shading, ruling lines, orientation.

Pages are drawn with OpenCV and numpy, so the truth (the angle, where lines and text are) is known
exactly. The orientation tests run the real Tesseract OSD and skip when Tesseract is not installed.
"""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest

from paperlane.ocr import geometry, preprocess
from paperlane.ocr.render import GrayImage, render_page
from tests.pdfgen import text_pdf

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd)",
)

PROSE = [
    "It was the best of times, it was the worst of times, it was the age of",
    "wisdom, it was the age of foolishness, it was the epoch of belief, it was",
    "the epoch of incredulity, it was the season of Light, it was the season",
    "of Darkness, it was the spring of hope, it was the winter of despair, we",
    "had everything before us, we had nothing before us, we were all going",
    "direct to Heaven, we were all going direct the other way; in short, the",
    "period was so far like the present period, that some of its noisiest",
    "authorities insisted on its being received, for good or for evil, in the",
    "superlative degree of comparison only. There were a king with a large jaw",
    "and a queen with a plain face, on the throne of England; there were a",
    "king with a large jaw and a queen with a fair face, on the throne of",
    "France. In both countries it was clearer than crystal to the lords of the",
    "State preserves of loaves and fishes, that things in general were settled",
    "for ever. It was the year of Our Lord one thousand seven hundred and",
    "seventy-five. Spiritual revelations were conceded to England at that",
    "favoured period, as at this.",
]


def text_page(lines: list[str], *, size: tuple[int, int] = (2480, 3508)) -> GrayImage:
    """A white page (width, height) with ``lines`` drawn in black from the top-left margin."""
    width, height = size
    page = np.full((height, width), 255, dtype=np.uint8)
    for index, line in enumerate(lines):
        cv2.putText(page, line, (200, 300 + 90 * index), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    return page


def tilted(image: GrayImage, degrees: float) -> GrayImage:
    """``image`` turned ``degrees`` counter-clockwise by OpenCV itself (not by the code under test)."""
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return np.asarray(cv2.warpAffine(image, matrix, (width, height), borderValue=255), dtype=np.uint8)


# --- Deskew ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [3.0, -3.5, 4.2, -5.0])
def test_deskew_recovers_a_known_skew_within_a_degree(degrees: float) -> None:
    page = tilted(text_page(PROSE), degrees)

    level, found = preprocess.deskew(page)

    assert abs(found - degrees) < 1.0
    assert abs(preprocess.estimate_skew(level)) < 0.3  # and the result is level
    assert level.dtype == np.uint8


def test_deskew_leaves_a_level_page_alone() -> None:
    page = text_page(PROSE)
    level, found = preprocess.deskew(page)
    assert found == 0.0
    assert level is page


def test_deskew_does_not_invent_a_skew_on_a_blank_page() -> None:
    blank = np.full((800, 600), 255, dtype=np.uint8)
    assert preprocess.deskew(blank)[1] == 0.0


def test_the_rotation_map_carries_points_where_the_image_goes() -> None:
    # A dot at a known place, rotated by the same function deskew uses: the map must land on it.
    image = np.full((400, 600), 255, dtype=np.uint8)
    cv2.circle(image, (450, 100), 6, 0, -1)
    turned = preprocess.rotate(image, 7.0)
    matrix, size = geometry.rotation(7.0, 600, 400)
    assert turned.shape == (size[1], size[0])
    ys, xs = np.nonzero(turned < 128)
    x, y, _ = matrix @ np.array([450.5, 100.5, 1.0])
    assert abs(xs.mean() + 0.5 - x) < 1.5
    assert abs(ys.mean() + 0.5 - y) < 1.5


# --- Binarize and ruling lines ---------------------------------------------------------------------

ROWS, COLUMNS, ROW_PX, COLUMN_PX, TOP, LEFT = 10, 4, 90, 450, 400, 200


def ruled_table(*, lines: bool = True, shading: bool = True, text: bool = True) -> GrayImage:
    """A 300 dpi page with a ruled grid, every other row shaded grey (190), and a word in each cell."""
    page = np.full((3508, 2480), 255, dtype=np.uint8)
    right, bottom = LEFT + COLUMNS * COLUMN_PX, TOP + ROWS * ROW_PX
    for row in range(ROWS):
        top = TOP + row * ROW_PX
        if shading and row % 2:
            page[top : top + ROW_PX, LEFT:right] = 190
        for column in range(COLUMNS):
            if text:
                origin = (LEFT + column * COLUMN_PX + 20, top + ROW_PX - 30)
                cv2.putText(
                    page, f"Cell{row}{column}", origin, cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3, cv2.LINE_AA
                )
    if lines:
        for row in range(ROWS + 1):
            cv2.line(page, (LEFT, TOP + row * ROW_PX), (right, TOP + row * ROW_PX), 0, 4)
        for column in range(COLUMNS + 1):
            x = LEFT + column * COLUMN_PX
            cv2.line(page, (x, TOP), (x, bottom), 0, 4)
    return page


def test_binarize_turns_shaded_rows_white_and_keeps_the_text_black() -> None:
    binary = preprocess.binarize(ruled_table(lines=False))
    text_only = preprocess.binarize(ruled_table(lines=False, shading=False))

    assert set(np.unique(binary)) <= {0, 255}
    # A shaded row between its words is paper now, not ink (a plain Otsu threshold makes it black).
    shaded_gap = binary[TOP + ROW_PX + 10 : TOP + 2 * ROW_PX - 70, LEFT + 5 : LEFT + 15]
    assert shaded_gap.min() == 255
    # The text reads the same as on an unshaded page.
    ink, same = text_only == 0, binary == text_only
    assert same[ink].mean() > 0.97


def test_remove_ruling_lines_erases_the_grid_and_keeps_the_text() -> None:
    binary = preprocess.binarize(ruled_table())
    text_ink = preprocess.binarize(ruled_table(lines=False, shading=False)) == 0

    cleared = preprocess.remove_ruling_lines(binary, dpi=300)

    grid_ink = (preprocess.binarize(ruled_table(text=False, shading=False)) == 0) & ~text_ink
    assert (binary[grid_ink] == 0).mean() > 0.95  # the lines were there
    assert (cleared[grid_ink] == 0).mean() < 0.02  # and are gone
    assert (cleared[text_ink] == 0).mean() > 0.95  # the text strokes stay


def test_only_ruled_pages_look_like_tables() -> None:
    assert preprocess.looks_like_table(preprocess.binarize(ruled_table()), dpi=300)
    assert not preprocess.looks_like_table(preprocess.binarize(text_page(PROSE)), dpi=300)
    # One rule under a heading does not make a table.
    page = text_page(PROSE)
    cv2.line(page, (200, 200), (2200, 200), 0, 4)
    assert not preprocess.looks_like_table(preprocess.binarize(page), dpi=300)


def test_ruled_share_tells_a_table_page_from_prose_with_a_ruled_box() -> None:
    assert preprocess.ruled_share(preprocess.binarize(ruled_table()), dpi=300) > 0.9
    # Prose over a small ruled table (a deed's fee box): most of the text is outside the rules.
    page = text_page(PROSE)
    for y in (2000, 2200, 2400):
        cv2.line(page, (200, y), (1400, y), 0, 4)
    for x in (200, 800, 1400):
        cv2.line(page, (x, 2000), (x, 2400), 0, 4)
    cv2.putText(page, "Stamp duty 4,200", (240, 2150), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    binary = preprocess.binarize(page)
    assert preprocess.looks_like_table(binary, dpi=300)
    assert preprocess.ruled_share(binary, dpi=300) < 0.2


# --- Reversed-out text ---------------------------------------------------------------------------


def panel_page(*, panel_grey: int = 40, text_grey: int = 255) -> GrayImage:
    """Prose on a 300 dpi page under a title bar: a ``panel_grey`` panel with ``text_grey`` lettering."""
    page = text_page(PROSE)
    page[60:220, 200:2280] = panel_grey
    cv2.putText(page, "QUARTERLY REPORT 2026", (240, 180), cv2.FONT_HERSHEY_SIMPLEX, 3.0, text_grey, 8)
    return page


def test_light_text_on_a_dark_panel_is_inverted_to_dark_on_light() -> None:
    page = panel_page()
    lettering = (page[60:220, 200:2280] == 255) & (panel_page(text_grey=40)[60:220, 200:2280] == 40)

    turned, panels = preprocess.invert_reversed_text(page, dpi=300)

    assert panels == 1
    panel = turned[60:220, 200:2280]
    assert (panel[lettering] < 64).mean() > 0.95  # the letters are ink now
    assert np.median(panel) > 200  # on a light ground
    # Its edge is paper, not a grey frame; and the rest of the page is untouched.
    assert turned[60:63, 200:2280].min() > 200 and turned[217:220, 200:2280].min() > 200
    assert np.array_equal(turned[230:], page[230:])


def test_pages_without_reversed_text_are_left_as_they_are() -> None:
    # A ruled grid with shaded rows, dark text on a mid-grey bar, a solid block without lettering, and
    # a dark picture (a gradient) with white lettering on it.
    dark_on_grey = panel_page(panel_grey=110, text_grey=0)
    solid = text_page(PROSE)
    solid[60:220, 200:2280] = 30
    picture = panel_page()
    gradient = np.linspace(0, 120, 2080).astype(np.uint8)
    picture[60:220, 200:2280] = np.where(picture[60:220, 200:2280] == 255, 255, gradient)
    for page in (ruled_table(), text_page(PROSE), dark_on_grey, solid, picture):
        turned, panels = preprocess.invert_reversed_text(page, dpi=300)
        assert panels == 0
        assert turned is page


# --- Orientation (Tesseract OSD) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def upright_page() -> GrayImage:
    """A page of real text, typeset by MuPDF and rendered at 300 dpi."""
    return render_page(text_pdf(["\n".join(PROSE)], fontsize=12), 1, dpi=300)


@requires_tesseract
@pytest.mark.parametrize(("quarter_turns", "expected"), [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_orientation_finds_how_to_turn_the_page_upright(
    upright_page: GrayImage, quarter_turns: int, expected: int
) -> None:
    turned = np.ascontiguousarray(np.rot90(upright_page, quarter_turns))  # counter-clockwise

    rotate, confidence = preprocess.orientation(turned)

    assert rotate == expected, confidence
    assert np.array_equal(preprocess.rotate_upright(turned, rotate), upright_page)


@requires_tesseract
def test_orientation_fails_soft_on_a_page_without_text() -> None:
    blank = np.full((3508, 2480), 255, dtype=np.uint8)
    assert preprocess.orientation(blank) == (0, 0.0)


def test_quarter_turn_maps_match_numpy() -> None:
    image = np.zeros((30, 50), dtype=np.uint8)
    image[5, 40] = 255  # pixel (x=40, y=5)
    for k in range(4):
        turned = np.rot90(image, k)
        ys, xs = np.nonzero(turned)
        x, y, _ = geometry.quarter_turns(k, 50, 30) @ np.array([40.5, 5.5, 1.0])  # the pixel's centre
        assert (xs[0] + 0.5, ys[0] + 0.5) == pytest.approx((x, y))


def test_ruled_share_counts_the_rows_of_a_grid_whose_cells_have_only_short_vertical_rules() -> None:
    # A coupon grid: long horizontal rules a row apart, vertical rules only one row high (each row
    # drawn as its own boxes), so no long vertical rule joins them into one table.
    page = np.full((3508, 2480), 255, dtype=np.uint8)
    for row in range(12):
        top = 400 + row * 60
        cv2.line(page, (200, top), (2200, top), 0, 3)
        for x in range(200, 2201, 250):
            cv2.line(page, (x, top), (x, top + 60), 0, 3)
        cv2.putText(
            page, f"12:30  2.{row}5  3.10  Home{row}", (220, top + 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3
        )
    cv2.line(page, (200, 400 + 12 * 60), (2200, 400 + 12 * 60), 0, 3)
    assert preprocess.ruled_share(preprocess.binarize(page), dpi=300) > 0.9


def test_text_lines_group_glyph_boxes_into_runs_and_split_at_column_gaps() -> None:
    # Two words on one line 20 px glyphs apart, a lone column 400 px further, a second line below.
    boxes = np.array(
        [[x, 100, x + 18, 130] for x in range(100, 220, 20)]
        + [[x, 102, x + 18, 131] for x in range(700, 760, 20)]
        + [[x, 300, x + 18, 330] for x in range(100, 160, 20)]
        + [[1500, 600, 1518, 630]],  # a single glyph: no run
        dtype=np.float64,
    )
    assert preprocess.text_lines(boxes) == [(100, 100, 218, 130), (700, 102, 758, 131), (100, 300, 158, 330)]
    assert preprocess.text_lines(np.zeros((0, 4))) == []
