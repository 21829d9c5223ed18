"""The image detectors of a process: loaded on first use, then shared by every job and
request (their sessions are safe to call from several threads); the PII engine decides
which recognised text is personal when a contract redacts only that. The instance owns
them (the `airlock image` commands, which have no instance, make their own)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from airlock.pii_engine import PiiEngineLoader
from anonymize.image.plan import ImagePlan
from intake.contract_format import ImageRedactionRules
from vocabulary import FaceModel, TextScope

if TYPE_CHECKING:  # OpenCV and ONNX Runtime load with the first model, not at import
    from anonymize.image import ImageRedactor, Models


class ImageModels:
    """The detectors for each text scope (with or without plates), loaded by the first
    redactor that needs them."""

    def __init__(self, pii_engine: PiiEngineLoader, threads: int = 1) -> None:
        """`threads`: how many item threads may call the models at once."""
        self._pii_engine = pii_engine
        self._threads = threads
        self._loading = threading.Lock()
        self._loaded: dict[tuple[TextScope, bool, FaceModel], Models] = {}

    def models(self, plan: ImagePlan) -> Models:
        key = (plan.text, plan.plates, plan.face_model)
        with self._loading:
            if key not in self._loaded:
                self._loaded[key] = _load(*key, self._threads)
            return self._loaded[key]

    def personal_texts(self, texts: Sequence[str]) -> list[bool]:
        """A recognised text is personal when the PII engine finds any entity in it."""
        return [bool(found) for found in self._pii_engine().detect(texts)]

    def redactor(self, plan: ImagePlan, max_pixels: int) -> ImageRedactor:
        from anonymize.image import ImageRedactor

        personal = self.personal_texts if plan.text is TextScope.PERSONAL else None
        return ImageRedactor(plan, self.models(plan), max_pixels, personal)


def _load(text: TextScope, plates: bool, face_model: FaceModel, threads: int) -> Models:
    import cv2

    from anonymize.image import load_models

    # Items run in parallel on threads, one model thread each: more threads per call only
    # contend for the same cores.
    cv2.setNumThreads(1)
    return load_models(ImagePlan(text=text, plates=plates, face_model=face_model), threads)


def image_plan(rules: ImageRedactionRules) -> ImagePlan:
    faces, plates, text = rules.faces, rules.plates, rules.text
    return ImagePlan(faces=faces.enabled, face_method=faces.method, face_shape=faces.shape,
                     face_model=faces.model, face_margin=faces.margin, text=text.scope,
                     text_method=text.method, text_margin=text.margin, plates=plates.enabled,
                     plate_method=plates.method, plate_margin=plates.margin,
                     residual=rules.residual)
