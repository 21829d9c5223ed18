"""One image in, its redacted file out: decode upright, find faces, licence plates and
text, paint them over, check the output again, re-encode without metadata.

Plates are found among the text lines (`anonymize.image.plates`) and painted whatever the
text scope: with scope `none` the text lines are searched for plates alone; a line that is
part of a plate is a plate, not text.

The residual check runs the detectors on the output, as an outsider would. A face still
found at the confident threshold, or text still found, is filled solid (contract:
`residual: redo`; a blur that left something recognisable is not tried again) and checked
once more; whatever is left then is flagged in the report, never passed silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from anonymize.image.blazeface import BlazeFace
from anonymize.image.codec import Decoded, decode, encode
from anonymize.image.faces import FaceFinder, FaceSearch
from anonymize.image.painting import enclosing, paint_over
from anonymize.image.plan import ImagePlan
from anonymize.image.plates import find_plates, grown, is_candidate, standing_alone
from anonymize.image.regions import Pixels, Region, RegionKind, iou
from anonymize.image.text_reader import TextReader
from anonymize.image.text_regions import TextFinder, TextLine, with_line_height
from anonymize.image.windows import residual_windows
from vocabulary import FaceModel, FaceShape, RedactionMethod, ResidualHandling, TextScope

_FILLED_SHARE = 0.5
MIN_FACE_MARGIN = 4.0
"""Pixels added at least on each side of a face, whatever its size."""
_READ_KINDS = (RegionKind.TEXT, RegionKind.PLATE)

PersonalFilter = Callable[[Sequence[str]], list[bool]]
"""Which of these recognised texts hold personal information."""

class ImageRejected(ValueError):
    """The file cannot be redacted safely (not decodable, animated, too large)."""


@dataclass(frozen=True)
class Detections:
    """What would be painted over, margins included, in pixels of the upright image."""

    faces: list[Region]
    text: list[Region]
    plates: list[Region]
    width: int
    height: int


@dataclass(frozen=True)
class RedactedImage:
    data: bytes
    width: int
    height: int
    faces: int
    text: int
    plates: int
    residual_faces: int
    """Faces the detectors still found on the output after the last pass."""
    residual_text: int
    """Text (plates included) the detectors still found where text or plates were painted,
    or anywhere when all text is redacted (searched when text or plates were painted)."""
    passes: int
    """Painting passes: 1, plus one per residual redo."""

    @property
    def flagged(self) -> bool:
        return bool(self.residual_faces or self.residual_text)


@dataclass(frozen=True)
class Models:
    """This process's detectors (loaded once; shared by the item threads)."""

    faces: FaceSearch
    text: TextFinder | None
    reader: TextReader | None


def load_models(plan: ImagePlan, threads: int = 1) -> Models:
    """`threads`: how many item threads may call the models at once."""
    return Models(
        faces=BlazeFace.load() if plan.face_model is FaceModel.BLAZEFACE else FaceFinder.load(),
        text=TextFinder.load(threads) if plan.text is not TextScope.NONE or plan.plates
        else None,
        reader=TextReader.load(threads) if plan.text is TextScope.PERSONAL or plan.plates
        else None)


class ImageRedactor:
    def __init__(self, plan: ImagePlan, models: Models, max_pixels: int,
                 personal: PersonalFilter | None = None) -> None:
        if plan.text is TextScope.PERSONAL and (models.reader is None or personal is None):
            raise ValueError("redacting only personal text needs the text reader and a "
                             "PII filter")
        if plan.plates and (models.text is None or models.reader is None):
            raise ValueError("redacting plates needs the text finder and reader")
        self._plan = plan
        self._models = models
        self._max_pixels = max_pixels
        self._personal = personal

    def detect(self, data: bytes) -> Detections:
        decoded = self._decode(data)
        faces, text, plates = self._find(decoded.pixels)
        height, width = decoded.pixels.shape[:2]
        return Detections(faces, text, plates, width, height)

    def redact(self, data: bytes) -> RedactedImage:
        return self.redact_keeping_pixels(data)[0]

    def redact_keeping_pixels(self, data: bytes) -> tuple[RedactedImage, Pixels]:
        """`redact`, and the painted pixels (for the contact sheet)."""
        decoded = self._decode(data)
        pixels = decoded.pixels
        faces, text, plates = self._find(pixels)
        # A reported face box is painted whole: an ellipse goes through its corners.
        painted_faces = [enclosing(f, self._plan.face_shape) for f in faces]
        self._paint(pixels, painted_faces, text, plates)
        # The residual windows grow each box by half its size: they hold its ellipse too.
        residual = self._residual(pixels, faces + text + plates)
        passes = 1
        if residual and self._plan.residual is ResidualHandling.REDO:
            # Escalate: what survived the contract's method is filled solid, box and all.
            paint_over(pixels, residual, RedactionMethod.FILL, FaceShape.RECTANGLE)
            filled = residual
            residual = [r for r in self._residual(pixels, faces + text + plates + filled)
                        if not _inside(r, filled, pixels.shape[1], pixels.shape[0])]
            passes = 2
        height, width = pixels.shape[:2]
        return RedactedImage(
            data=encode(pixels, decoded), width=width, height=height,
            faces=len(faces), text=len(text), plates=len(plates),
            residual_faces=sum(r.kind is RegionKind.FACE for r in residual),
            residual_text=sum(r.kind is RegionKind.TEXT for r in residual),
            passes=passes), pixels

    def _decode(self, data: bytes) -> Decoded:
        try:
            decoded = decode(data, self._max_pixels)
        except ValueError as exc:
            raise ImageRejected(str(exc)) from exc
        # A phone's MPO (a JPEG with a preview picture after it) is written back as its
        # first picture alone; animations and multi-page files are refused.
        if decoded.frames > 1 and decoded.format != "JPEG":
            raise ImageRejected(f"the image has {decoded.frames} frames; only still images "
                                "can be redacted")
        return decoded

    def _find(self, pixels: Pixels) -> tuple[list[Region], list[Region], list[Region]]:
        plan = self._plan
        faces = self._models.faces.find(pixels) if plan.faces else []
        lines = self._models.text.find(pixels) if self._models.text is not None else []
        readings = self._readings(pixels, lines)
        plates = find_plates(pixels, lines, readings) if plan.plates else []
        in_plates = {i for plate in plates for i in plate.lines}
        rest = [i for i in range(len(lines)) if i not in in_plates]
        if plan.text is TextScope.NONE:
            rest = []
        elif plan.text is TextScope.PERSONAL:
            rest = self._personal_lines(rest, readings)
        return ([_with_margin(f, plan.face_margin) for f in faces],
                [r.expanded(plan.text_margin) for r in with_line_height(
                    [lines[i].region for i in rest], lines)],
                [grown(plate.region, plan.plate_margin) for plate in plates])

    def _readings(self, pixels: Pixels, lines: list[TextLine]) -> dict[int, str]:
        """What the lines say, by index: every line when only personal text is redacted;
        else, when plates are searched, the lines shaped like a plate's (and standing alone
        when all text is painted anyway: a plate missed there is still painted as text)."""
        reader = self._models.reader
        if reader is None:
            return {}
        if self._plan.text is TextScope.PERSONAL:
            wanted = list(range(len(lines)))
        elif self._plan.plates:
            alone = (standing_alone(lines) if self._plan.text is TextScope.ALL
                     else [True] * len(lines))
            wanted = [i for i, line in enumerate(lines) if is_candidate(line) and alone[i]]
        else:
            wanted = []
        texts = reader.read(pixels, [lines[i] for i in wanted]) if wanted else []
        return dict(zip(wanted, texts, strict=True))

    def _personal_lines(self, indexes: list[int], readings: dict[int, str]) -> list[int]:
        personal = self._personal
        if not indexes or personal is None:  # checked at construction
            return []
        texts = [readings[i] for i in indexes]
        # A line the reader cannot read may still be a name: it is painted (privacy first).
        hits = personal(texts)
        return [i for i, text, hit in zip(indexes, texts, hits, strict=True)
                if hit or not text.strip()]

    def _paint(self, pixels: Pixels, faces: list[Region], text: list[Region],
               plates: list[Region]) -> None:
        plan = self._plan
        paint_over(pixels, text, plan.text_method, FaceShape.RECTANGLE)
        paint_over(pixels, plates, plan.plate_method, FaceShape.RECTANGLE)
        paint_over(pixels, faces, plan.face_method, plan.face_shape)

    def _residual(self, pixels: Pixels, painted: list[Region]) -> list[Region]:
        """What an outsider's detectors would still find on the output: faces at the
        confident threshold; text (when not all text is redacted, only where text or a
        plate was painted). Nothing painted: the output is the input, searched already. Faces are
        searched only in windows around what was painted when those are a small part of
        the image (elsewhere the output is the input); text on the whole output, because
        the text detector sizes its input by the image's, not the window's, sides, and only
        when text or a plate was painted: elsewhere the output differs from the input only
        in blurred faces, and blurring a face cannot make text (as painting text cannot make
        a face). Searched in windows at the whole image's scale, a redo's check found
        other residues than the whole search, on receipts and plates of both parts."""
        if not painted:
            return []
        height, width = pixels.shape[:2]
        found: list[Region] = []
        faces = [p for p in painted if p.kind is RegionKind.FACE]
        if self._plan.faces and faces:  # painting text cannot make a face appear
            windows = residual_windows(faces, width, height)
            for x0, y0, x1, y1 in windows or [(0, 0, width, height)]:
                found += [_shifted(r, x0, y0) for r in
                          self._models.faces.find_confident(pixels[y0:y1, x0:x1])]
        if self._models.text is not None and any(p.kind in _READ_KINDS for p in painted):
            text = [line.region for line in self._models.text.find(pixels)]
            if self._plan.text is not TextScope.ALL:
                text = [r for r in text if any(iou(r, p) > 0.1 for p in painted
                                               if p.kind in _READ_KINDS)]
            found += text
        return found


def _with_margin(face: Region, fraction: float) -> Region:
    """The face grown by `fraction` of its size on each side, and by at least
    `MIN_FACE_MARGIN` px: a small face's box sits a few pixels off, and painting that stops
    at its outline leaves the outline. (A negative fraction, which only a plan built in
    code can have, is taken as it is.)"""
    grown = face.expanded(fraction)
    if fraction < 0:
        return grown
    dx = max(0.0, MIN_FACE_MARGIN - face.w * fraction)
    dy = max(0.0, MIN_FACE_MARGIN - face.h * fraction)
    return replace(grown, x=grown.x - dx, y=grown.y - dy, w=grown.w + 2 * dx,
                   h=grown.h + 2 * dy)


def _inside(region: Region, filled: list[Region], width: int, height: int) -> bool:
    """Half of `region` or more lies in solid-filled boxes: the text detector sees the fill's
    own edges (and grows its boxes by half again), nothing of the image is left there."""
    x0, y0, x1, y1 = region.clip(width, height)
    if x1 <= x0 or y1 <= y0:
        return True
    covered = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for box in filled:
        bx0, by0, bx1, by1 = box.clip(width, height)
        covered[max(by0 - y0, 0):max(by1 - y0, 0), max(bx0 - x0, 0):max(bx1 - x0, 0)] = True
    return float(covered.mean()) >= _FILLED_SHARE


def _shifted(region: Region, dx: int, dy: int) -> Region:
    return replace(region, x=region.x + dx, y=region.y + dy)
