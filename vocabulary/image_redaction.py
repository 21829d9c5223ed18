"""How faces and text in images are painted over: a contract's choices, and the image
pipeline's."""

from __future__ import annotations

from enum import StrEnum


class RedactionMethod(StrEnum):
    BLUR = "blur"
    PIXELATE = "pixelate"
    FILL = "fill"


class FaceShape(StrEnum):
    ELLIPSE = "ellipse"
    RECTANGLE = "rectangle"


class FaceModel(StrEnum):
    """Which face detector runs (docs/design/models.md: provenance, licences, training
    data)."""

    CENTERFACE = "centerface"
    """CenterFace (MIT weights, trained on WIDER FACE, whose terms restrict commercial use
    of what is derived from it): the most faces."""
    BLAZEFACE = "blazeface"
    """MediaPipe's full-range BlazeFace (Apache-2.0, trained on Google's own data, not WIDER
    FACE): for deployments that cannot use WIDER-FACE-derived weights; it finds fewer
    faces."""


class TextScope(StrEnum):
    ALL = "all"
    """Every text region found is redacted (the default: no OCR error can leak a name)."""
    PERSONAL = "personal"
    """Only text that reads as personal information (names, phones, IDs, plates)."""
    NONE = "none"


class ResidualHandling(StrEnum):
    REDO = "redo"
    """What the detectors still find on the output is filled solid, then checked once more;
    what is left after that is flagged."""
    FLAG = "flag"
    """Left as it is and flagged in the report."""
