"""How a dataset's images are redacted, taken from its contract by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from vocabulary import FaceModel, FaceShape, RedactionMethod, ResidualHandling, TextScope


@dataclass(frozen=True)
class ImagePlan:
    faces: bool = True
    face_method: RedactionMethod = RedactionMethod.BLUR
    face_shape: FaceShape = FaceShape.ELLIPSE
    face_model: FaceModel = FaceModel.CENTERFACE
    face_margin: float = 0.3
    """Added on each side, as a fraction of the detected face's width (height above and
    below): the detector's box is the face core; hair, ears and turned heads are outside."""
    text: TextScope = TextScope.ALL
    text_method: RedactionMethod = RedactionMethod.BLUR
    text_margin: float = 0.1
    plates: bool = True
    """Licence plates are painted whatever `text` says: a plate names a vehicle's keeper."""
    plate_method: RedactionMethod = RedactionMethod.BLUR
    plate_margin: float = 0.3
    """Added on every side, as a fraction of the height of the plate's characters: the
    plate's ground and frame. On the synthetic street plates of bench/image_eval.py, 0.1 of
    the box's size left detail in 0.12 of them; 0.3 of the height, none that was found."""
    residual: ResidualHandling = ResidualHandling.REDO
