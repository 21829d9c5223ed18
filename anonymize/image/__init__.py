"""Image anonymisation: faces and text found and painted over, metadata stripped, the
output checked again."""

from anonymize.image.pipeline import (
    Detections,
    ImageRedactor,
    ImageRejected,
    Models,
    RedactedImage,
    load_models,
)
from anonymize.image.plan import ImagePlan

__all__ = [
    "Detections",
    "ImagePlan",
    "ImageRedactor",
    "ImageRejected",
    "Models",
    "RedactedImage",
    "load_models",
]
