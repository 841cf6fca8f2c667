"""Affine maps between the images of the OCR pipeline and the page, as 3x3 matrices on (x, y, 1).

Every step that turns the image (quarter turns for orientation, a small rotation for deskew) has a
matrix here, so word boxes found on the final image can be carried back to the page as displayed.
Coordinates are continuous: pixel (col, row) covers x in [col, col + 1), y in [row, row + 1), y down.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Affine: TypeAlias = npt.NDArray[np.float64]
Box = tuple[float, float, float, float]


def identity() -> Affine:
    return np.eye(3, dtype=np.float64)


def scaling(sx: float, sy: float) -> Affine:
    return np.array([[sx, 0.0, 0.0], [0.0, sy, 0.0], [0.0, 0.0, 1.0]], dtype=np.float64)


def quarter_turns(k: int, width: int, height: int) -> Affine:
    """Map a ``width`` x ``height`` image to ``numpy.rot90(image, k)``: k quarter turns counter-clockwise."""
    k %= 4
    rows = {
        0: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        1: [[0.0, 1.0, 0.0], [-1.0, 0.0, float(width)]],  # (x, y) -> (y, W - x)
        2: [[-1.0, 0.0, float(width)], [0.0, -1.0, float(height)]],  # (x, y) -> (W - x, H - y)
        3: [[0.0, -1.0, float(height)], [1.0, 0.0, 0.0]],  # (x, y) -> (H - y, x)
    }[k]
    return np.array([*rows, [0.0, 0.0, 1.0]], dtype=np.float64)


def rotation(degrees: float, width: int, height: int) -> tuple[Affine, tuple[int, int]]:
    """Rotate a ``width`` x ``height`` image ``degrees`` counter-clockwise (as seen) about its centre.

    The canvas grows to hold the whole rotated image, so no corner of the page is cut off. Returns the
    map and the new (width, height).
    """
    theta = math.radians(degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    new_w = math.ceil(width * abs(cos) + height * abs(sin))
    new_h = math.ceil(width * abs(sin) + height * abs(cos))
    # With y down, a counter-clockwise turn as seen is x' = x cos + y sin, y' = -x sin + y cos.
    cx, cy, ncx, ncy = width / 2, height / 2, new_w / 2, new_h / 2
    matrix = np.array(
        [
            [cos, sin, ncx - cos * cx - sin * cy],
            [-sin, cos, ncy + sin * cx - cos * cy],
            [0.0, 0.0, 1.0],
        ],
        dtype=np.float64,
    )
    return matrix, (new_w, new_h)


def invert(matrix: Affine) -> Affine:
    return np.asarray(np.linalg.inv(matrix), dtype=np.float64)


def map_box(matrix: Affine, box: Box) -> Box:
    """The axis-aligned box around the image of ``box``'s four corners under ``matrix``."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, x0, x1, x1], [y0, y1, y0, y1], [1.0, 1.0, 1.0, 1.0]], dtype=np.float64)
    xs, ys, _ = matrix @ corners
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())
