"""Redaction destroys the detail inside each region and touches nothing outside it.

"Destroyed" is measured as an outsider would: the correlation between the high-pass images
(grey minus a sigma-1.5 Gaussian of it) before and after, inside the box (inside the
inscribed ellipse for that shape). Readable detail keeps it high; below 0.3 nothing is
left to read. On boxes of a few pixels the coefficient is over a few dozen pixels and mostly
measures the unchanged surroundings that the high-pass mixes in at the edge, so small boxes
are scored over many placements at once."""

from __future__ import annotations

import math
import time

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from anonymize.image.painting import FILL_COLOUR, blur_sigma, enclosing, paint_over
from anonymize.image.regions import Pixels, Region, RegionKind
from tests.anonymize.image.detail import correlation, high_pass
from vocabulary import FaceShape, RedactionMethod

Bools = npt.NDArray[np.bool_]
METHODS = list(RedactionMethod)
SHAPES = list(FaceShape)


def noise(height: int, width: int, seed: int = 0) -> Pixels:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def text(height: int, width: int, seed: int = 0) -> Pixels:
    """Dark lines of small print on a light page, shifted per line."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width, 3), 235, dtype=np.uint8)
    words = "Jane Doe 0176 5550123 Hauptstr. 12 AIRLOCK 7f3a passport C01X00T47 "
    scale = 0.35 + 0.002 * max(0, min(height, width) - 60)
    step = max(9, int(26 * scale))
    for row, y in enumerate(range(step, height, step)):
        offset = int(rng.integers(0, 30))
        cv2.putText(page, words * 8, (-offset - row * 7 % 20, y), cv2.FONT_HERSHEY_SIMPLEX,
                    min(scale, 1.6), (15, 15, 15), 1 if scale < 0.8 else 2, cv2.LINE_AA)
    return page


def inside(region: Region, shape: FaceShape, width: int, height: int) -> Bools:
    """Pixels of the image whose centre lies in the box, or in its inscribed ellipse."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64) + 0.5
    box = ((xx >= region.x) & (xx <= region.x + region.w)
           & (yy >= region.y) & (yy <= region.y + region.h))
    if shape is FaceShape.RECTANGLE:
        return np.asarray(box)
    cx, cy = region.x + region.w / 2, region.y + region.h / 2
    ellipse = ((xx - cx) / (region.w / 2)) ** 2 + ((yy - cy) / (region.h / 2)) ** 2 <= 1
    return np.asarray(ellipse)


def redacted(source: Pixels, regions: list[Region], method: RedactionMethod,
             shape: FaceShape) -> Pixels:
    out = source.copy()
    paint_over(out, regions, method, shape)
    return out


def in_box(region: Region, width: int, height: int) -> Bools:
    x0, y0, x1, y1 = region.clip(width, height)
    mask = np.zeros((height, width), dtype=bool)
    mask[y0:y1, x0:x1] = True
    return mask


def face(x: float, y: float, w: float, h: float) -> Region:
    return Region(RegionKind.FACE, x, y, w, h)


# ---------------------------------------------------------------------------- detail


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("content", [noise, text])
@pytest.mark.parametrize("side", [20, 40, 100, 400])
def test_detail_is_destroyed(method: RedactionMethod, shape: FaceShape, content: object,
                             side: int) -> None:
    assert callable(content)
    size = side + 2 * max(30, side // 2)
    source: Pixels = content(size, size + 17)
    height, width = source.shape[:2]
    region = face(size / 2 - side / 2 + 0.3, size / 2 - side * 0.6, side, side * 1.2)
    out = redacted(source, [region], method, shape)
    where = inside(region, shape, width, height)
    assert high_pass(source)[where].std() > 5, "the test content has detail to destroy"
    score = correlation(high_pass(source)[where], high_pass(out)[where])
    assert score < 0.3
    assert abs(score) < 0.2


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("content", [noise, text])
@pytest.mark.parametrize("side", [6, 8, 12])
def test_detail_of_small_boxes_is_destroyed(method: RedactionMethod, shape: FaceShape,
                                            content: object, side: int) -> None:
    """Forty small boxes spread over an image, scored together and one by one."""
    assert callable(content)
    source: Pixels = content(240, 320)
    rng = np.random.default_rng(side)
    regions = [face(float(rng.uniform(4, 300)), float(rng.uniform(4, 220)), side,
                    side * float(rng.uniform(1, 1.4))) for _ in range(40)]
    # Far enough apart that no box's high-pass reaches another's.
    kept: list[Region] = []
    for region in regions:
        if all(abs(region.x - k.x) > side + 12 or abs(region.y - k.y) > 2 * side + 12
               for k in kept):
            kept.append(region)
    assert len(kept) >= 15
    out = redacted(source, kept, method, shape)
    before, after = high_pass(source), high_pass(out)
    singles, pooled_before, pooled_after = [], [], []
    for region in kept:
        where = inside(region, shape, 320, 240)
        if before[where].std() < 5:
            continue  # blank paper: nothing to destroy
        singles.append(correlation(before[where], after[where]))
        pooled_before.append(before[where] - before[where].mean())
        pooled_after.append(after[where] - after[where].mean())
    pooled = correlation(np.concatenate(pooled_before), np.concatenate(pooled_after))
    assert pooled < 0.15
    assert float(np.median(singles)) < 0.2


def test_blur_strength_follows_the_box() -> None:
    assert blur_sigma(face(0, 0, 6, 6)) == 4.0
    assert blur_sigma(face(0, 0, 300, 120)) == pytest.approx(40.0)


def test_blur_keeps_the_colour_of_the_region() -> None:
    """A wash of the region's own colours, not a patch of something else."""
    source = noise(300, 300)
    source[30:270, 30:270] = (200, 40, 40) + (source[30:270, 30:270] // 8)
    out = redacted(source, [face(110, 110, 80, 80)], RedactionMethod.BLUR, FaceShape.RECTANGLE)
    centre = out[130:170, 130:170].reshape(-1, 3).mean(axis=0)
    assert np.abs(centre - (215, 55, 55)).max() < 12
    assert out[130:170, 130:170].reshape(-1, 3).std(axis=0).max() < 6


def test_pixelate_blocks_are_block_means() -> None:
    source = noise(60, 60)
    out = redacted(source, [face(0, 0, 60, 60)], RedactionMethod.PIXELATE, FaceShape.RECTANGLE)
    # Shorter side 60: blocks of 12 px (a fifth), each one colour, the mean of its pixels.
    block = out[12:24, 24:36].reshape(-1, 3)
    assert (block == block[0]).all()
    assert np.abs(block[0].astype(float) - source[12:24, 24:36].reshape(-1, 3).mean(0)).max() <= 1
    assert len(np.unique(out.reshape(-1, 3), axis=0)) == 25


def test_fill_is_flat_dark_grey() -> None:
    out = redacted(noise(50, 50), [face(10, 10, 20, 20)], RedactionMethod.FILL, FaceShape.RECTANGLE)
    assert (out[10:30, 10:30] == FILL_COLOUR).all()


# ---------------------------------------------------------------------------- outside


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
def test_nothing_outside_is_touched(method: RedactionMethod, shape: FaceShape) -> None:
    source = noise(200, 260, seed=4)
    regions = [face(30.4, 20.7, 61.2, 80.9), face(150, 120, 7, 9), face(200.5, 10.5, 33, 33)]
    out = redacted(source, regions, method, shape)
    # Not one pixel outside the (outward-rounded) boxes ...
    beyond = ~np.any([in_box(r, 260, 200) for r in regions], axis=0)
    assert np.array_equal(out[beyond], source[beyond])
    if shape is FaceShape.ELLIPSE:
        # ... nor more than the pixel or two the outline crosses outside the ellipses.
        grown = [face(r.x - 2, r.y - 2, r.w + 4, r.h + 4) for r in regions]
        outside = ~np.any([inside(g, shape, 260, 200) for g in grown], axis=0)
        assert np.array_equal(out[outside], source[outside])


def test_ellipse_covers_every_pixel_centred_inside_it() -> None:
    source = noise(300, 300)
    rng = np.random.default_rng(0)
    for _ in range(100):
        region = face(float(rng.uniform(-20, 250)), float(rng.uniform(-20, 250)),
                      float(rng.uniform(2, 120)), float(rng.uniform(2, 120)))
        out = redacted(source, [region], RedactionMethod.FILL, FaceShape.ELLIPSE)
        painted = (out == FILL_COLOUR).all(axis=2)
        assert painted[inside(region, FaceShape.ELLIPSE, 300, 300)].all(), region


@pytest.mark.parametrize("method", METHODS)
def test_ellipse_leaves_the_corners(method: RedactionMethod) -> None:
    source = noise(100, 100)
    out = redacted(source, [face(20, 20, 60, 60)], method, FaceShape.ELLIPSE)
    assert np.array_equal(out[20:26, 20:26], source[20:26, 20:26])
    assert np.array_equal(out[74:80, 74:80], source[74:80, 74:80])
    assert not np.array_equal(out[45:55, 45:55], source[45:55, 45:55])
    # Touches the box's sides at their middle.
    assert not np.array_equal(out[48:52, 20], source[48:52, 20])
    assert not np.array_equal(out[79, 48:52], source[79, 48:52])


@pytest.mark.parametrize("shape", SHAPES)
def test_what_encloses_a_box_paints_all_of_it(shape: FaceShape) -> None:
    """A detector's box is painted whole, whichever the shape: the ellipse painted for it
    goes through its corners."""
    source = noise(300, 300)
    rng = np.random.default_rng(1)
    for _ in range(100):
        region = face(float(rng.uniform(-20, 250)), float(rng.uniform(-20, 250)),
                      float(rng.uniform(2, 120)), float(rng.uniform(2, 120)))
        out = redacted(source, [enclosing(region, shape)], RedactionMethod.FILL, shape)
        painted = (out == FILL_COLOUR).all(axis=2)
        assert painted[inside(region, FaceShape.RECTANGLE, 300, 300)].all(), region


# ---------------------------------------------------------------------------- edges


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
def test_regions_at_and_past_the_edges(method: RedactionMethod, shape: FaceShape) -> None:
    source = noise(120, 160, seed=2)
    regions = [face(-30, -20, 70, 60), face(130, 90, 80, 80), face(-5, 50, 20, 200),
               face(0, 0, 160, 120) if method is RedactionMethod.FILL else face(70, 30, 10, 10)]
    out = redacted(source, regions, method, shape)
    for region in regions:
        where = inside(region, shape, 160, 120)
        assert where.any()
        changed = np.any(out != source, axis=2)
        assert changed[where].mean() > 0.9


def test_face_cut_by_the_edge_keeps_its_own_ellipse() -> None:
    """Half a face at the left edge: covered by the face's ellipse, which at the edge is as
    tall as the face, not by a small ellipse inscribed in what is visible."""
    source = noise(100, 100)
    out = redacted(source, [face(-40, 10, 80, 80)], RedactionMethod.FILL, FaceShape.ELLIPSE)
    assert (out[15:85, 0] == FILL_COLOUR).all()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", SHAPES)
def test_empty_and_off_image_regions_are_ignored(method: RedactionMethod, shape: FaceShape) -> None:
    source = noise(50, 60)
    out = redacted(source, [face(10, 10, 0, 20), face(10, 10, 20, 0), face(-40, -40, 30, 30),
                            face(60, 10, 10, 10), face(10, 50, 5, 5), face(30, 30, -5, 5),
                            face(20.2, 20.2, 0.5, 0.5)], method, shape)
    changed = np.any(out != source, axis=2)
    assert not changed[:19].any() and not changed[22:].any()


def test_overlapping_regions_all_end_redacted() -> None:
    source = text(200, 200)
    regions = [face(20, 20, 100, 100), face(60, 60, 100, 100), face(90, 10, 40, 150)]
    out = redacted(source, regions, RedactionMethod.BLUR, FaceShape.RECTANGLE)
    for region in regions:
        where = inside(region, FaceShape.RECTANGLE, 200, 200)
        assert correlation(high_pass(source)[where], high_pass(out)[where]) < 0.1


def test_one_pixel_image_and_whole_image_region() -> None:
    pixel = np.full((1, 1, 3), 200, dtype=np.uint8)
    for method in METHODS:
        paint_over(pixel, [face(-1, -1, 3, 3)], method, FaceShape.RECTANGLE)
    whole = noise(64, 48)
    before = whole.copy()
    paint_over(whole, [face(0, 0, 48, 64)], RedactionMethod.BLUR, FaceShape.RECTANGLE)
    where = np.ones((64, 48), dtype=bool)
    assert correlation(high_pass(before)[where], high_pass(whole)[where]) < 0.1


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="uint8"):
        paint_over(np.zeros((4, 4), dtype=np.uint8), [], RedactionMethod.BLUR, FaceShape.RECTANGLE)
    with pytest.raises(ValueError, match="non-finite"):
        paint_over(noise(8, 8), [face(math.nan, 0, 4, 4)], RedactionMethod.BLUR,
                   FaceShape.RECTANGLE)


def test_huge_region_redacts_the_whole_image() -> None:
    source = noise(40, 50)
    out = redacted(source, [face(-1e9, -1e9, 3e9, 3e9)], RedactionMethod.FILL, FaceShape.ELLIPSE)
    assert (out == FILL_COLOUR).all()


def test_works_on_a_view_into_a_larger_array() -> None:
    """The pipeline may hand over a slice; writes must land in it."""
    base = noise(100, 100)
    view = base[10:90, 10:90]
    paint_over(view, [face(5, 5, 30, 30)], RedactionMethod.FILL, FaceShape.ELLIPSE)
    assert (base[30, 30] == FILL_COLOUR).all()


# ---------------------------------------------------------------------------- speed


def test_twenty_boxes_on_a_large_image_are_fast() -> None:
    image = noise(3000, 4000, seed=9)
    rng = np.random.default_rng(1)
    regions = [face(float(rng.uniform(-50, 3900)), float(rng.uniform(-50, 2900)), side,
                    side * 1.3) for side in rng.uniform(30, 400, 20)]
    paint_over(image[:200, :200], regions[:1], RedactionMethod.BLUR, FaceShape.ELLIPSE)  # warm-up
    for method in METHODS:
        start = time.perf_counter()
        paint_over(image, regions, method, FaceShape.ELLIPSE)
        assert time.perf_counter() - start < 0.5, method
