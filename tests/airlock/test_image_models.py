"""The composition root turns a contract's redaction rules into the image pipeline's plan;
both speak the shared vocabulary, so every rule reaches the plan unchanged."""

from __future__ import annotations

from airlock.image_models import image_plan
from anonymize.image.plan import ImagePlan
from intake.contract_format import FaceRedaction, ImageRedactionRules, TextRedaction
from vocabulary import FaceShape, RedactionMethod, ResidualHandling, TextScope


def test_defaults_are_the_same() -> None:
    assert image_plan(ImageRedactionRules()) == ImagePlan()


def test_every_rule_reaches_the_plan() -> None:
    rules = ImageRedactionRules(
        faces=FaceRedaction(enabled=False, method=RedactionMethod.PIXELATE,
                            shape=FaceShape.RECTANGLE, margin=0.5),
        text=TextRedaction(scope=TextScope.PERSONAL, method=RedactionMethod.FILL, margin=0.2),
        residual=ResidualHandling.FLAG)
    assert image_plan(rules) == ImagePlan(
        faces=False, face_method=RedactionMethod.PIXELATE, face_shape=FaceShape.RECTANGLE,
        face_margin=0.5, text=TextScope.PERSONAL, text_method=RedactionMethod.FILL,
        text_margin=0.2, residual=ResidualHandling.FLAG)
