"""The composition root turns a contract's redaction rules into the image pipeline's plan:
the two sets of choices (the contract's and the pipeline's, kept apart so `anonymize` does not
depend on `intake`) must stay the same, value for value."""

from __future__ import annotations

from enum import StrEnum

import pytest

from airlock.image_models import image_plan
from anonymize.image import plan
from intake import contract
from intake.contract import (
    FaceRedaction,
    FaceShape,
    ImageRedactionRules,
    RedactionMethod,
    ResidualHandling,
    TextRedaction,
    TextScope,
)


@pytest.mark.parametrize(("ours", "theirs"), [
    (contract.RedactionMethod, plan.Method),
    (contract.FaceShape, plan.Shape),
    (contract.TextScope, plan.TextScope),
    (contract.ResidualHandling, plan.ResidualAction),
])
def test_contract_and_pipeline_choices_are_the_same(ours: type[StrEnum],
                                                    theirs: type[StrEnum]) -> None:
    assert [m.value for m in ours] == [m.value for m in theirs]


def test_defaults_are_the_same() -> None:
    assert image_plan(ImageRedactionRules()) == plan.ImagePlan()


def test_every_rule_reaches_the_plan() -> None:
    rules = ImageRedactionRules(
        faces=FaceRedaction(enabled=False, method=RedactionMethod.PIXELATE,
                            shape=FaceShape.RECTANGLE, margin=0.5),
        text=TextRedaction(scope=TextScope.PERSONAL, method=RedactionMethod.FILL, margin=0.2),
        residual=ResidualHandling.FLAG)
    assert image_plan(rules) == plan.ImagePlan(
        faces=False, face_method=plan.Method.PIXELATE, face_shape=plan.Shape.RECTANGLE,
        face_margin=0.5, text=plan.TextScope.PERSONAL, text_method=plan.Method.FILL,
        text_margin=0.2, residual=plan.ResidualAction.FLAG)
