"""How a dataset's images are redacted, taken from its contract by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Method(StrEnum):
    BLUR = "blur"
    PIXELATE = "pixelate"
    FILL = "fill"


class Shape(StrEnum):
    ELLIPSE = "ellipse"
    RECTANGLE = "rectangle"


class TextScope(StrEnum):
    ALL = "all"
    """Every text region found is redacted (the default: no OCR error can leak a name)."""
    PERSONAL = "personal"
    """Only text that reads as personal information (names, phones, IDs, plates)."""
    NONE = "none"


class ResidualAction(StrEnum):
    REDO = "redo"
    """What the detectors still find on the output is filled solid, then checked once more;
    what is left after that is flagged."""
    FLAG = "flag"
    """Left as it is and flagged in the report."""


@dataclass(frozen=True)
class ImagePlan:
    faces: bool = True
    face_method: Method = Method.BLUR
    face_shape: Shape = Shape.ELLIPSE
    face_margin: float = 0.3
    """Added on each side, as a fraction of the detected face's width (height above and
    below): the detector's box is the face core; hair, ears and turned heads are outside."""
    text: TextScope = TextScope.ALL
    text_method: Method = Method.BLUR
    text_margin: float = 0.1
    residual: ResidualAction = ResidualAction.REDO
