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
