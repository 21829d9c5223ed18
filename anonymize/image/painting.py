"""Painting over detected regions, in place, so that what was inside cannot be read back.

Every method only writes inside the region's box, rounded outward to whole pixels (for the
ellipse shape, inside the inscribed ellipse and the pixels its outline crosses): the rest of
the image is left bit for bit as it was. Each region is worked
on a crop around it, so the cost follows the size of the boxes, not of the image.

Blur is not the mild blur of a photo editor: the Gaussian's sigma is a third of the box's
shorter side (at least 4 px), which leaves a face or a line of text as a smooth wash of its
colours. Large sigmas are applied to a crop shrunk by area averaging first, which is both
what makes them cheap and a further loss of detail. Pixelation uses blocks of a fifth of the
shorter side (at least 8 px), each the mean colour of its pixels; fill is a flat dark grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt

from anonymize.image.regions import Pixels, Region
from vocabulary import FaceShape, RedactionMethod

FILL_COLOUR = (40, 40, 40)
_BLUR_SIGMA_FRACTION = 1 / 3
_BLUR_MIN_SIGMA = 4.0
_BLUR_SMALL_SIGMA = 3.0
"""Above this, the crop is shrunk so that the blur runs at about this sigma."""
_PIXELATE_MIN_BLOCK = 8
_PIXELATE_BLOCKS = 5
"""Blocks across the box's shorter side, fewer when that would make them smaller than
`_PIXELATE_MIN_BLOCK`: blocks of 4 to 6 px still follow the lines of small print."""
_ELLIPSE_SHIFT = 4
"""Sub-pixel bits for the ellipse: its centre and axes are fractional."""
_ELLIPSE_MAX = float(1 << 20)

Mask = npt.NDArray[np.uint8]
"""1 where a pixel is painted."""


def paint_over(pixels: Pixels, regions: Sequence[Region], method: RedactionMethod,
               shape: FaceShape) -> None:
    """Redact every region of `pixels` (height x width x 3 uint8) in place.

    Regions are clipped to the image; empty ones and ones wholly outside are skipped.
    Overlapping regions are redacted one after another, so each ends redacted."""
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected height x width x 3 uint8 pixels, got {pixels.shape} "
                         f"{pixels.dtype}")
    height, width = pixels.shape[:2]
    for region in regions:
        if not all(math.isfinite(v) for v in (region.x, region.y, region.w, region.h)):
            # A detector bug, not an empty box: skipping it could leave a face in the clear.
            raise ValueError("a region has a non-finite coordinate")
        x0, y0, x1, y1 = region.clip(width, height)
        if x1 <= x0 or y1 <= y0:
            continue
        mask = _mask(region, (x0, y0, x1, y1), shape)
        if mask is not None and not mask.any():
            continue
        box = (x0, y0, x1, y1)
        target = pixels[y0:y1, x0:x1]
        if method is RedactionMethod.FILL and mask is None:
            target[:] = FILL_COLOUR
            continue
        if method is RedactionMethod.BLUR:
            painted = _blurred(pixels, box, region)
        elif method is RedactionMethod.PIXELATE:
            painted = _pixelated(target, region)
        elif method is RedactionMethod.FILL:
            painted = np.empty((y1 - y0, x1 - x0, 3), dtype=np.uint8)
            painted[:] = FILL_COLOUR
        else:
            raise ValueError(f"unknown redaction method {method!r}")
        if mask is None:
            target[:] = painted
        else:
            written = cv2.copyTo(painted, mask, target)
            if not np.shares_memory(written, target):
                target[:] = written


def enclosing(region: Region, shape: FaceShape) -> Region:
    """What to paint so that every pixel of `region` is painted: the region itself for the
    rectangle; for the ellipse, the box of the ellipse through the region's corners (the
    region grown by the square root of two about its centre)."""
    if shape is FaceShape.RECTANGLE:
        return region
    grow = (math.sqrt(2) - 1) / 2
    return replace(region, x=region.x - region.w * grow, y=region.y - region.h * grow,
                   w=region.w * math.sqrt(2), h=region.h * math.sqrt(2))


def blur_sigma(region: Region) -> float:
    """The Gaussian sigma a region is blurred with, from its unclipped size."""
    return max(_BLUR_MIN_SIGMA, region.min_side * _BLUR_SIGMA_FRACTION)


def _mask(region: Region, box: tuple[int, int, int, int], shape: FaceShape) -> Mask | None:
    """Which pixels of the clipped box are painted; None for all of them.

    The ellipse is the one inscribed in the region before clipping, so a face cut by the
    image's edge is covered as far as the edge, not by a smaller ellipse squeezed into
    what is visible."""
    if shape is FaceShape.RECTANGLE or max(abs(region.x), abs(region.y), region.w,
                                       region.h) > _ELLIPSE_MAX:
        # Beyond what cv2's fixed-point ellipse holds: the whole box, more than asked for.
        return None
    x0, y0, x1, y1 = box
    mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    scale = 1 << _ELLIPSE_SHIFT
    # cv2 puts integer coordinates on pixel centres; a pixel i spans [i, i + 1).
    centre = (round((region.x + region.w / 2 - x0 - 0.5) * scale),
              round((region.y + region.h / 2 - y0 - 0.5) * scale))
    # Half a pixel more, so that the pixels the outline crosses are painted too.
    axes = (round((region.w / 2 + 0.5) * scale), round((region.h / 2 + 0.5) * scale))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1, thickness=-1, lineType=cv2.LINE_8,
                shift=_ELLIPSE_SHIFT)
    return mask


def _blurred(pixels: Pixels, box: tuple[int, int, int, int], region: Region) -> Pixels:
    """The box's pixels blurred, computed on a crop padded by three sigmas (two when the
    crop is shrunk first)."""
    sigma = blur_sigma(region)
    step = int(sigma // _BLUR_SMALL_SIGMA)
    if step < 2:
        crop, (ox, oy) = _crop(pixels, box, math.ceil(3 * sigma), 1)
        blurred = cv2.GaussianBlur(crop, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        x0, y0, x1, y1 = box
        return np.ascontiguousarray(blurred[oy:oy + y1 - y0, ox:ox + x1 - x0])
    # Shrunk by an integer step, so that OpenCV averages whole blocks (its fast path),
    # blurred there, and brought back up for the box alone.
    crop, (ox, oy) = _crop(pixels, box, math.ceil(2 * sigma), step)
    crop_h, crop_w = crop.shape[:2]
    small_w, small_h = max(1, crop_w // step), max(1, crop_h // step)
    small = cv2.resize(crop, (small_w, small_h), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / step, borderType=cv2.BORDER_REFLECT)
    # Crop pixel c (centre c + 0.5) is at (c + 0.5) / scale - 0.5 in the shrunk image; the
    # scale is `step` unless the crop could not be trimmed to a multiple of it.
    scale_x, scale_y = crop_w / small_w, crop_h / small_h
    inverse = np.array([[1 / scale_x, 0, (ox + 0.5) / scale_x - 0.5],
                        [0, 1 / scale_y, (oy + 0.5) / scale_y - 0.5]], dtype=np.float64)
    x0, y0, x1, y1 = box
    return np.asarray(cv2.warpAffine(small, inverse, (x1 - x0, y1 - y0),
                                     flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                     borderMode=cv2.BORDER_REPLICATE), dtype=np.uint8)


def _crop(pixels: Pixels, box: tuple[int, int, int, int], pad: int,
          multiple: int) -> tuple[Pixels, tuple[int, int]]:
    """The box grown by `pad` on each side within the image, trimmed on the padding so
    that its sides are multiples of `multiple` where the padding allows; and where the box
    starts in it."""
    height, width = pixels.shape[:2]
    x0, y0, x1, y1 = box
    cx0, cx1 = _span(x0, x1, pad, width, multiple)
    cy0, cy1 = _span(y0, y1, pad, height, multiple)
    return pixels[cy0:cy1, cx0:cx1], (x0 - cx0, y0 - cy0)


def _span(start: int, end: int, pad: int, limit: int, multiple: int) -> tuple[int, int]:
    low, high = max(0, start - pad), min(limit, end + pad)
    extra = (high - low) % multiple
    if extra and high - end >= extra:
        high -= extra
    elif extra and start - low >= extra:
        low += extra
    return low, high


def _pixelated(box_pixels: Pixels, region: Region) -> Pixels:
    """Blocks of at least `_PIXELATE_MIN_BLOCK` px, each the mean colour of its pixels."""
    box_h, box_w = box_pixels.shape[:2]
    block = max(_PIXELATE_MIN_BLOCK, math.ceil(region.min_side / _PIXELATE_BLOCKS))
    blocks_x, blocks_y = max(1, box_w // block), max(1, box_h // block)
    means = cv2.resize(box_pixels, (blocks_x, blocks_y), interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.resize(means, (box_w, box_h), interpolation=cv2.INTER_NEAREST),
                      dtype=np.uint8)
