"""Plates among text lines: the rows of a two-row plate pair up, a block of print is not
read, a plate on its coloured ground is taken even unread; end to end, a plate rendered on a
photograph is found as a plate and painted with the text scope `none`."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from airlock.image_models import ImageModels
from airlock.pii_engine import PiiEngineLoader
from anonymize.image.pipeline import ImageRedactor
from anonymize.image.plan import ImagePlan
from anonymize.image.plates import find_plates, standing_alone
from anonymize.image.regions import Region, RegionKind
from anonymize.image.text_regions import TextLine
from bench.street_plates import STYLES, place, render_plate
from tests.anonymize.image.detail import correlation, high_pass
from tests.anonymize.image.pictures import sample
from vocabulary import TextScope

GREY = np.full((400, 600, 3), 128, np.uint8)


def line(x: float, y: float, w: float, h: float) -> TextLine:
    corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)
    return TextLine(Region(RegionKind.TEXT, x, y, w, h), corners)


EPSILON = 1e-9
"""A region is kept as origin and size, so its far edge is a sum that may round one ulp
short of the edge it was made from; paint is in whole pixels."""


def covers(region: Region, boxes: Sequence[TextLine]) -> bool:
    return all(region.x <= b.region.x and region.y <= b.region.y
               and region.x + region.w >= b.region.x + b.region.w - EPSILON
               and region.y + region.h >= b.region.y + b.region.h - EPSILON for b in boxes)


@given(st.floats(20, 400), st.floats(20, 250), st.floats(12, 40))
def test_the_rows_of_a_two_row_plate_make_one_plate(x: float, y: float, h: float) -> None:
    upper = line(x + 1.2 * h, y, 2.2 * h, h)
    lower = line(x, y + 1.3 * h, 4.5 * h, 1.4 * h)
    plates = find_plates(GREY, [upper, lower], {0: "苏E", 1: "12345"})
    assert [p.lines for p in plates] == [(0, 1)]
    assert covers(plates[0].region, [upper, lower])


@given(st.floats(20, 300), st.floats(20, 300), st.floats(12, 40))
def test_a_plate_split_at_its_dot_is_one_plate(x: float, y: float, h: float) -> None:
    left = line(x, y, 1.6 * h, h)
    right = line(x + 2.0 * h, y, 4.0 * h, h)
    plates = find_plates(GREY, [left, right], {0: "京A", 1: "D12345"})
    assert [p.lines for p in plates] == [(0, 1)]


def test_rows_far_apart_are_not_paired() -> None:
    upper, lower = line(100, 50, 40, 20), line(100, 300, 90, 24)
    assert find_plates(GREY, [upper, lower], {0: "苏E", 1: "12345"}) == []


def test_lines_of_a_column_of_print_do_not_stand_alone() -> None:
    column = [line(50, 40 + 30 * i, 200, 22) for i in range(6)]
    far = line(400, 300, 120, 30)
    alone = standing_alone([*column, far])
    assert alone[-1]
    assert not any(alone[1:-2])


def test_an_unread_line_on_a_plate_blue_ground_is_a_plate() -> None:
    pixels = GREY.copy()
    pixels[100:140, 100:260] = (20, 60, 170)
    pixels[110:130, 110:250:12] = 250  # white strokes
    blue, grey = line(100, 100, 160, 40), line(300, 100, 160, 40)
    plates = find_plates(pixels, [blue, grey], {0: "", 1: ""})
    assert [p.lines for p in plates] == [(0,)]


def test_a_word_on_a_blue_sign_is_not_a_plate() -> None:
    pixels = GREY.copy()
    pixels[100:140, 100:260] = (20, 60, 170)
    assert find_plates(pixels, [line(100, 100, 160, 40)], {0: "PARKING"}) == []


def test_a_plate_on_a_photo_is_painted_with_no_other_text() -> None:
    rng = random.Random(3)
    photo = np.ascontiguousarray(sample("coffee"))
    plate = render_plate("KD52 XRT", STYLES[2])
    scene, (x, y, w, h) = place(photo, plate, rng, 180)
    out = io.BytesIO()
    Image.fromarray(scene).save(out, format="PNG")
    models = ImageModels(PiiEngineLoader())
    plan = ImagePlan(text=TextScope.NONE)
    redactor = ImageRedactor(plan, models.models(plan), 20_000_000)
    found = redactor.detect(out.getvalue())
    assert found.text == []
    assert any(p.x <= x + 0.1 * w and p.x + p.w >= x + 0.9 * w for p in found.plates)
    result = redactor.redact(out.getvalue())
    after = np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB"))
    inner = (slice(y + h // 5, y + h - h // 5), slice(x + w // 10, x + w - w // 10))
    assert result.plates == 1
    assert correlation(high_pass(scene[inner]), high_pass(after[inner])) < 0.3
