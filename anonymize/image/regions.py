"""What the image detectors find: boxes in pixels of the decoded (upright) image."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt

Pixels = npt.NDArray[np.uint8]
"""An upright RGB image, height x width x 3 (EXIF orientation already applied)."""


class RegionKind(StrEnum):
    FACE = "face"
    TEXT = "text"
    PLATE = "plate"


@dataclass(frozen=True)
class Region:
    """An axis-aligned box; `x`, `y` may be negative or the box may pass the edge after a
    margin is added: `clip` bounds it to the image."""

    kind: RegionKind
    x: float
    y: float
    w: float
    h: float
    score: float = 1.0

    @property
    def min_side(self) -> float:
        return min(self.w, self.h)

    def expanded(self, side: float, top: float | None = None) -> Region:
        """Grown by `side` of the width left and right and of the height at the bottom;
        `top` of the height above (hair and foreheads need more than chins)."""
        up = side if top is None else top
        return replace(self, x=self.x - self.w * side, y=self.y - self.h * up,
                       w=self.w * (1 + 2 * side), h=self.h * (1 + side + up))

    def clip(self, width: int, height: int) -> tuple[int, int, int, int]:
        """Integer (x0, y0, x1, y1) inside a width x height image; may be empty."""
        x0 = min(max(int(np.floor(self.x)), 0), width)
        y0 = min(max(int(np.floor(self.y)), 0), height)
        x1 = min(max(int(np.ceil(self.x + self.w)), 0), width)
        y1 = min(max(int(np.ceil(self.y + self.h)), 0), height)
        return x0, y0, x1, y1

    def as_list(self) -> list[int]:
        """[x, y, w, h] rounded outward, as the JSON output gives it."""
        x0, y0 = int(np.floor(self.x)), int(np.floor(self.y))
        return [x0, y0, int(np.ceil(self.x + self.w)) - x0, int(np.ceil(self.y + self.h)) - y0]


def iou(a: Region, b: Region) -> float:
    iw = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    ih = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = iw * ih
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def non_max_suppression(regions: Sequence[Region], overlap: float) -> list[Region]:
    """Highest score first; a box overlapping a kept one by IoU above `overlap` is dropped."""
    if not regions:
        return []
    boxes = [(r.x, r.y, r.w, r.h) for r in regions]
    keep = cv2.dnn.NMSBoxes(boxes, [r.score for r in regions], 0.0, overlap)
    return [regions[int(i)] for i in np.asarray(keep).ravel()]
