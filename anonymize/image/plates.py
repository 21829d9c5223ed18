"""Licence plates among the text lines of an image: a reading with a plate's shape, the two
rows of a two-row plate (or the halves of a plate the detector split at the dot), or a short
line on a plate's uniform blue, yellow or green ground that the recogniser could not read as
one.

Only lines shaped like a plate's line are read (`is_candidate`); when every line is painted
anyway (text scope `all`), only those that also stand alone (`standing_alone`): a line inside
a column or row of print is a document's, and reading a whole page only to name its plates
would cost more than the rest of the search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from anonymize.image.plate_shapes import PlateShape, folded, is_lower_row, plate_shape
from anonymize.image.regions import Pixels, Region, RegionKind
from anonymize.image.text_regions import TextLine

MIN_ASPECT = 1.0
"""Width over height of a plate's line: a two-row plate's upper row (two characters) is
about 1.5; lines narrower than tall are words of vertical script, not plates."""
MAX_ASPECT = 10.0
"""A one-row plate's characters are about 3 to 5 times as wide as tall; a line much wider
is a sentence that only contains a plate, which the text scope handles."""
COLOURED_SHARE = 0.35
"""Share of a line's box in a plate's ground colour for the line to be taken as a plate
without a plate-shaped reading (white characters cover most of the rest)."""
CROWD = 2
"""Neighbours (lines of about the same height right above, below or beside) from which a
line is part of a block of print: a two-row plate's rows have one each, the other."""
_GROUNDS = (  # OpenCV HSV: hue 0-180, saturation and value 0-255
    ((100, 90, 60), (130, 255, 255)),  # blue: ordinary Chinese plates, EU country band
    ((15, 110, 100), (35, 255, 255)),  # yellow: lorries, buses, learners; UK rear plates
    ((40, 60, 80), (85, 255, 255)),    # green: new-energy plates
)


@dataclass(frozen=True)
class Plate:
    region: Region
    lines: tuple[int, ...]
    """Indexes of the text lines the plate is made of."""


def grown(region: Region, margin: float) -> Region:
    """`region` grown by `margin` of its height on every side: a plate's ground and frame
    around its characters are proportional to their height (GA 36: 90 mm characters on a
    140 mm plate; EU: 75 mm on 110 mm), whatever the number of characters."""
    pad = region.h * margin
    return replace(region, x=region.x - pad, y=region.y - pad, w=region.w + 2 * pad,
                   h=region.h + 2 * pad)


def is_candidate(line: TextLine) -> bool:
    region = line.region
    return region.h > 0 and MIN_ASPECT <= region.w / region.h <= MAX_ASPECT


def standing_alone(lines: Sequence[TextLine]) -> list[bool]:
    """For each line, whether fewer than `CROWD` lines of a similar height sit right above,
    below or beside it (closer than its height)."""
    if not lines:
        return []
    box = np.array([(r.x, r.y, r.x + r.w, r.y + r.h) for r in (line.region for line in lines)],
                   dtype=np.float64)
    x0, y0, x1, y1 = (box[:, k] for k in range(4))
    h = np.maximum(y1 - y0, 1.0)
    similar = (h[None, :] <= 2 * h[:, None]) & (h[:, None] <= 2 * h[None, :])
    x_overlap = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    y_overlap = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
    stacked = (x_overlap > 0) & (-y_overlap < h[:, None])
    beside = (y_overlap > h[:, None] / 2) & (-x_overlap < 2 * h[:, None])
    near = similar & (stacked | beside)
    np.fill_diagonal(near, False)
    return [bool(n < CROWD) for n in near.sum(axis=1)]


def find_plates(pixels: Pixels, lines: Sequence[TextLine], readings: Mapping[int, str]
                ) -> list[Plate]:
    """The plates among `lines`; `readings` holds the text of (at least) every candidate
    line, by index into `lines`."""
    read = {i: text for i, text in readings.items() if is_candidate(lines[i])}
    shapes = {i: plate_shape(text) for i, text in read.items()}
    uppers = [i for i, shape in shapes.items() if shape is PlateShape.UPPER_ROW]
    lowers = [i for i, text in read.items() if is_lower_row(text)]
    plates = [Plate(_plate_region(lines, pair), pair)
              for pair in _row_pairs(lines, uppers, lowers)]
    used = {i for plate in plates for i in plate.lines}
    for i, shape in shapes.items():
        if shape is PlateShape.WHOLE and i not in used:
            plates.append(Plate(_plate_region(lines, (i,)), (i,)))
            used.add(i)
    for i, text in readings.items():
        if (i not in used and is_candidate(lines[i]) and _unread_serial(text)
                and _coloured_ground(pixels, lines[i].region)):
            plates.append(Plate(_plate_region(lines, (i,)), (i,)))
    return plates


def _row_pairs(lines: Sequence[TextLine], uppers: Sequence[int], lowers: Sequence[int]
               ) -> list[tuple[int, int]]:
    """(upper, lower) pairs of rows that sit together as one plate's: the upper row above
    the lower one and over its middle, or left of it on the same row, a gap smaller than
    the lower row's height between them."""
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for u in uppers:
        for low in lowers:
            if low not in taken and _together(lines[u].region, lines[low].region):
                pairs.append((u, low))
                taken.add(low)
                break
    return pairs


def _together(upper: Region, lower: Region) -> bool:
    gap = lower.h
    upper_cx = upper.x + upper.w / 2
    stacked = (upper.y + upper.h <= lower.y + lower.h / 2
               and lower.y - (upper.y + upper.h) <= gap
               and lower.x <= upper_cx <= lower.x + lower.w)
    upper_cy, lower_cy = upper.y + upper.h / 2, lower.y + lower.h / 2
    side_by_side = (abs(upper_cy - lower_cy) <= lower.h / 2
                    and upper.x + upper.w <= lower.x + lower.w / 2
                    and lower.x - (upper.x + upper.w) <= gap)
    return stacked or side_by_side


def _unread_serial(text: str) -> bool:
    """Nothing read, or a misread with digits in it: the recogniser failed on what may
    be a plate (a word on a coloured sign has no digits)."""
    flat = folded(text)
    return not flat or any(c.isdigit() for c in flat)


def _coloured_ground(pixels: Pixels, region: Region) -> bool:
    height, width = pixels.shape[:2]
    x0, y0, x1, y1 = region.clip(width, height)
    if x1 <= x0 or y1 <= y0:
        return False
    hsv = cv2.cvtColor(np.ascontiguousarray(pixels[y0:y1, x0:x1]), cv2.COLOR_RGB2HSV)
    return any(float(cv2.inRange(hsv, np.array(low), np.array(high)).mean()) / 255
               >= COLOURED_SHARE for low, high in _GROUNDS)


def _plate_region(lines: Sequence[TextLine], rows: tuple[int, ...]) -> Region:
    x0 = min(lines[i].region.x for i in rows)
    y0 = min(lines[i].region.y for i in rows)
    x1 = max(lines[i].region.x + lines[i].region.w for i in rows)
    y1 = max(lines[i].region.y + lines[i].region.h for i in rows)
    score = min(lines[i].region.score for i in rows)
    return Region(RegionKind.PLATE, x0, y0, x1 - x0, y1 - y0, score=score)
