"""The image detectors of this process: loaded on first use, then shared by every job and
request (their sessions are safe to call from several threads); the PII engine decides
which recognised text is personal when a contract redacts only that."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

import cv2

from airlock.pii_engine import shared_engine
from anonymize.image import ImagePlan, ImageRedactor, Models, load_models
from intake.contract_format import ImageRedactionRules
from vocabulary import TextScope

_loading = threading.Lock()


@cache
def _models(text: TextScope) -> Models:
    # Items run in parallel on threads, one model thread each: more threads per call only
    # contend for the same cores.
    cv2.setNumThreads(1)
    return load_models(ImagePlan(text=text), threads=1)


def shared_models(plan: ImagePlan) -> Models:
    with _loading:
        return _models(plan.text)


def personal_texts(texts: Sequence[str]) -> list[bool]:
    """A recognised text is personal when the PII engine finds any entity in it."""
    return [bool(found) for found in shared_engine().detect(texts)]


def image_plan(rules: ImageRedactionRules) -> ImagePlan:
    faces, text = rules.faces, rules.text
    return ImagePlan(faces=faces.enabled, face_method=faces.method, face_shape=faces.shape,
                     face_margin=faces.margin, text=text.scope, text_method=text.method,
                     text_margin=text.margin, residual=rules.residual)


def image_redactor(plan: ImagePlan, max_pixels: int) -> ImageRedactor:
    personal = personal_texts if plan.text is TextScope.PERSONAL else None
    return ImageRedactor(plan, shared_models(plan), max_pixels, personal)
