"""The words intake and anonymize share, defined once: dataset layouts, image-redaction
choices, the anonymisation mode, operator names and the text encodings label files may use.

Both packages import this one; it imports no other Airlock package."""

from vocabulary.anonymisation import AnonymisationMode
from vocabulary.image_redaction import (
    FaceModel,
    FaceShape,
    RedactionMethod,
    ResidualHandling,
    TextScope,
)
from vocabulary.layouts import Layout
from vocabulary.operators import KEYED_OPERATORS, OPERATOR_NAMES, OperatorName
from vocabulary.text import declared_gb_encoding, decode_text

__all__ = [
    "KEYED_OPERATORS",
    "OPERATOR_NAMES",
    "AnonymisationMode",
    "FaceModel",
    "FaceShape",
    "Layout",
    "OperatorName",
    "RedactionMethod",
    "ResidualHandling",
    "TextScope",
    "declared_gb_encoding",
    "decode_text",
]
