"""Where the text is in an image: PP-OCRv4 text detection (DB) from the installed rapidocr.

Only the ONNX model file and the DB post-processing of `rapidocr_onnxruntime` are used; the
session and the choice of inference size are ours, because rapidocr's defaults run a scanned
A4 page (5000 x 7000 px) at full size (minutes, gigabytes) and its detector object keeps
per-call state, so it cannot be shared between threads.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt
from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

from anonymize.image.regions import Pixels, Region, RegionKind
from anonymize.image.sessions import Network, OpenVinoNetwork

Polygon = npt.NDArray[np.float32]
"""Four corners (x, y) in pixels of the input image: top-left, top-right, bottom-right,
bottom-left of the text line as read."""

MODEL_DIR = Path(str(files("rapidocr_onnxruntime"))) / "models"
"""The models ship inside the wheel: nothing is downloaded at run time."""

DET_MODEL = MODEL_DIR / "ch_PP-OCRv4_det_infer.onnx"


@dataclass(frozen=True)
class TextLine:
    """One detected line: the box the pipeline redacts and the polygon the reader crops."""

    region: Region
    polygon: Polygon = field(compare=False, repr=False)


@dataclass(frozen=True)
class DetectionSettings:
    """How the image is sized for the network and how the probability map becomes boxes."""

    min_side: int = 512
    """Images whose short side is below this are enlarged to it: below about 500 px a line of
    print is only a few pixels tall. rapidocr enlarges up to 736, but on receipts 440-720 px
    wide that found no more lines (measured) and cost 40% more time."""
    max_upscale: float = 2.0
    """Enlarged at most this much: a thumbnail's text is not made readable by 10x
    interpolation, and the cost would grow with the square of it."""
    max_pixels: int = 2304 * 1632
    """The inference size is capped at this many pixels (3.8 MP: 2304 px long side for an A4
    page): time and memory grow with the pixel count, and on 300-dpi A4 scans line recall
    was flat from 2 to 5 MP. A pixel budget rather than a long-side cap keeps a long narrow
    strip at its full height."""
    thresh: float = 0.3
    """Probability above which a pixel is text (rapidocr's default)."""
    box_thresh: float = 0.2
    """Mean probability inside a candidate box for it to be kept. rapidocr keeps 0.5; 0.2
    also keeps lone characters and faint print (a missed line is a leak, an extra box only
    blurs a little more): on receipts 0.2 found a lone quantity digit more than 0.3 on both
    parts of the development half, for no more painted area; 0.15 found nothing more."""
    unclip_ratio: float = 2.0
    """How far the shrunk DB kernel is grown back into the line's box (offset = area * r /
    perimeter). rapidocr's 1.6 cuts the edges of glyphs: 2.0 covers whole lines more often
    and also reads better; beyond it boxes start to swallow neighbouring lines."""
    second_look_height: float = 20.0
    """When the image's median line is taller than `second_look_trigger` times this at the
    inference size, the image is searched again shrunk so that it is this tall, and lines
    found only there are added. DB, trained on lines of a few tens of pixels, loses lone
    glyphs (a quantity '1', a ':' between label and value) next to tall print: on receipts
    photographed or scanned at 300 dpi, a second look at 20 px found them on both parts of
    the development half (12 and 16 px painted more, 24 px found fewer)."""
    second_look_trigger: float = 1.25
    """Text already within this factor of `second_look_height` is not searched again."""


def inference_size(height: int, width: int, settings: DetectionSettings) -> tuple[int, int]:
    """(height, width) the network sees: multiples of 32 (the network's stride)."""
    scale = min(settings.max_upscale,
                max(1.0, settings.min_side / max(1, min(height, width))))
    if height * width * scale * scale > settings.max_pixels:
        scale = math.sqrt(settings.max_pixels / (height * width))
    return _stride_multiple(height * scale), _stride_multiple(width * scale)


class TextFinder:
    """Finds text lines; built once per process and shared by threads (ORT `run` is
    thread-safe and `find` keeps no state)."""

    def __init__(self, network: Network, settings: DetectionSettings) -> None:
        self._network = network
        self._input = network.input_name
        self.settings = settings
        self._post = DBPostProcess(thresh=settings.thresh, box_thresh=settings.box_thresh,
                                   unclip_ratio=settings.unclip_ratio, use_dilation=True,
                                   score_mode="fast", max_candidates=1000)

    @classmethod
    def load(cls, threads: int = 1, settings: DetectionSettings | None = None) -> TextFinder:
        return cls(OpenVinoNetwork.load(DET_MODEL, threads), settings or DetectionSettings())

    def find(self, pixels: Pixels) -> list[TextLine]:
        """Text lines in pixels of `pixels` (RGB), highest score first."""
        height, width = pixels.shape[:2]
        if height == 0 or width == 0:
            return []
        net_h, net_w = inference_size(height, width, self.settings)
        resized = _resized(pixels, net_h, net_w)
        lines = self._look(resized, height, width)
        if len(lines) >= 3:
            tall = statistics.median(line.region.h for line in lines) * net_h / height
            target = self.settings.second_look_height
            if tall > self.settings.second_look_trigger * target:
                shrink = target / tall
                smaller = _resized(resized, _stride_multiple(net_h * shrink),
                                   _stride_multiple(net_w * shrink))
                more = self._look(smaller, height, width)
                lines += [line for line in more
                          if not any(_inside(line.region, seen.region) for seen in lines)]
        return sorted(lines, key=lambda line: line.region.score, reverse=True)

    def _look(self, resized: Pixels, height: int, width: int) -> list[TextLine]:
        """The lines DB finds in `resized`, in pixels of the height x width image."""
        # Channels are swapped after resizing (no full-size copy): the model was trained on
        # BGR (cv2-decoded) images.
        tensor = np.ascontiguousarray(
            (resized[:, :, ::-1].astype(np.float32) * (2 / 255) - 1).transpose(2, 0, 1)[np.newaxis])
        probability = self._network.run(None, {self._input: tensor})[0]
        boxes, scores = self._post(probability, (height, width))
        lines = (_line(box, float(score), width, height)
                 for box, score in zip(boxes, scores, strict=True))
        return [line for line in lines if line is not None]


def _stride_multiple(size: float) -> int:
    """`size` rounded to a multiple of 32, the network's stride (32 at least)."""
    return max(32, round(size / 32) * 32)


def _resized(pixels: Pixels, net_h: int, net_w: int) -> Pixels:
    """`pixels` at net_h x net_w. INTER_AREA when shrinking keeps thin strokes of small print
    that bilinear sampling would skip. A second look shrinks the first look's input, not the
    full image (a 35 MP scan is not resampled twice)."""
    height, width = pixels.shape[:2]
    shrinking = net_h * net_w < height * width
    return cast(Pixels, cv2.resize(
        pixels, (net_w, net_h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR))


def _inside(region: Region, other: Region, share: float = 0.7) -> bool:
    """At least `share` of `region` lies in `other`: a second look's piece of a line already
    found. A second look's box around a line already found is kept: DB's unclip is relatively
    larger at the smaller size, so it is taller and wider, and that margin is what covered a
    ':' between a label and its value on the tuning part (with duplicates dropped by IoU >= 0.5
    as well, tuning recall was 0.9974 instead of 1.000, the held-back part 0.9939 either way,
    and 4% less of the image was painted)."""
    iw = min(region.x + region.w, other.x + other.w) - max(region.x, other.x)
    ih = min(region.y + region.h, other.y + other.h) - max(region.y, other.y)
    return iw > 0 and ih > 0 and iw * ih >= share * region.w * region.h


def _line(box: npt.NDArray[np.int32], score: float, width: int, height: int) -> TextLine | None:
    """The polygon in reading order and its bounding box; slivers of 3 px or less are dropped
    as rapidocr does (noise, and nothing a reader could read)."""
    polygon = _order_clockwise(box.astype(np.float32))
    polygon[:, 0] = np.clip(polygon[:, 0], 0, width)
    polygon[:, 1] = np.clip(polygon[:, 1], 0, height)
    if (np.linalg.norm(polygon[0] - polygon[1]) <= 3
            or np.linalg.norm(polygon[0] - polygon[3]) <= 3):
        return None
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    polygon.setflags(write=False)
    region = Region(RegionKind.TEXT, float(x0), float(y0), float(x1 - x0), float(y1 - y0),
                    score=score)
    return TextLine(region, polygon)


def _order_clockwise(points: Polygon) -> Polygon:
    """Top-left, top-right, bottom-right, bottom-left: the two left-most points are the left
    edge, each edge's upper point comes first."""
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


LONE_GLYPH_SHARE = 0.6
"""A box shorter than this share of the image's median line height is taken for a lone
glyph (a quantity '1', a dot, a dash) whose box DB drew around its ink only."""


def with_line_height(regions: list[Region], lines: list[TextLine]) -> list[Region]:
    """`regions` (boxes of some of `lines`) with lone glyph boxes grown, about their middle,
    to the median height of all the image's lines. DB grows a box back by its area over its
    perimeter, so a narrow glyph (a '1') gets a box a third of its line's height, and the
    line, which spans its print's height, is then only partly painted. Print on one page
    shares a few sizes, so the median line is the glyph's line height; boxes are only grown,
    never shrunk. Fewer than three lines give no median worth the name."""
    if len(lines) < 3:
        return regions
    height = statistics.median(line.region.h for line in lines)
    return [replace(r, y=r.y + (r.h - height) / 2, h=height)
            if r.h < LONE_GLYPH_SHARE * height else r for r in regions]
