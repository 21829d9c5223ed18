"""Text detection on synthetic images: lines of several sizes are boxed, noise is not."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import cv2
import numpy as np
import pytest

from anonymize.image.regions import Pixels, Region, RegionKind
from anonymize.image.text_regions import (
    LONE_GLYPH_SHARE,
    DetectionSettings,
    TextFinder,
    TextLine,
    inference_size,
    with_line_height,
)

Box = tuple[int, int, int, int]
"""x, y, w, h of a drawn line."""


@pytest.fixture(scope="module")
def finder() -> TextFinder:
    return TextFinder.load(threads=1)


def blank(height: int, width: int) -> Pixels:
    return np.full((height, width, 3), 255, dtype=np.uint8)


def draw(image: Pixels, text: str, x: int, baseline: int, scale: float) -> Box:
    """Black Hershey text (built into OpenCV: no font files); returns the ink's box."""
    thickness = max(1, round(scale * 2))
    (w, h), below = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    cv2.putText(image, text, (x, baseline), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                thickness, cv2.LINE_AA)
    return x, baseline - h, w, h + below


def covered(box: Box, regions: list[Region], shape: tuple[int, ...]) -> float:
    """Fraction of `box` inside the union of `regions` (the evaluation's metric)."""
    mask = np.zeros(shape[:2], dtype=bool)
    for region in regions:
        x0, y0, x1, y1 = region.clip(shape[1], shape[0])
        mask[y0:y1, x0:x1] = True
    x, y, w, h = box
    return float(mask[y:y + h, x:x + w].mean())


def test_lines_of_several_sizes_and_places_are_found(finder: TextFinder) -> None:
    image = blank(900, 1200)
    drawn = [
        draw(image, "Invoice 2024-0117", 40, 60, 1.6),
        draw(image, "Jane Doe, 12 High Street", 600, 140, 0.8),
        draw(image, "TOTAL RM 30.91", 80, 300, 2.4),
        draw(image, "tel 0123 456 789", 700, 420, 0.6),
        draw(image, "Thank you, please come again", 200, 600, 1.0),
        draw(image, "small print 7731", 950, 880, 0.5),
    ]
    lines = finder.find(image)
    regions = [line.region for line in lines]
    for box in drawn:
        assert covered(box, regions, image.shape) >= 0.7, box
    assert len(lines) <= 3 * len(drawn)
    for line in lines:
        assert line.region.kind is RegionKind.TEXT
        assert 0 < line.region.score <= 1
        assert line.polygon.shape == (4, 2)
        assert line.polygon.dtype == np.float32


def test_polygon_and_region_agree(finder: TextFinder) -> None:
    image = blank(300, 800)
    draw(image, "ACCOUNT 5521 0098", 50, 150, 1.5)
    (line,) = finder.find(image)
    (x0, y0), (x1, y1) = line.polygon.min(axis=0), line.polygon.max(axis=0)
    assert (line.region.x, line.region.y) == pytest.approx((x0, y0))
    assert (line.region.w, line.region.h) == pytest.approx((x1 - x0, y1 - y0))
    top_left, top_right, bottom_right, bottom_left = line.polygon
    assert top_left[0] < top_right[0] and bottom_left[0] < bottom_right[0]
    assert top_left[1] < bottom_left[1] and top_right[1] < bottom_right[1]


@pytest.mark.parametrize(("height", "width"), [(400, 300), (3000, 4000)])
def test_regions_are_in_input_pixels(finder: TextFinder, height: int, width: int) -> None:
    """Small images are enlarged and large ones shrunk for the network; boxes come back in
    the caller's pixels either way."""
    image = blank(height, width)
    scale = width / 400
    box = draw(image, "ID 8812", int(width * 0.3), int(height * 0.6), scale)
    regions = [line.region for line in finder.find(image)]
    assert covered(box, regions, image.shape) >= 0.7
    found = sum(r.w * r.h for r in regions)
    assert found < 3 * box[2] * box[3]  # tight to the line, not the whole image


def test_blank_image_has_no_text(finder: TextFinder) -> None:
    assert finder.find(blank(480, 640)) == []
    assert finder.find(np.zeros((480, 640, 3), dtype=np.uint8)) == []


def pink_noise(seed: int, height: int = 960, width: int = 1280) -> Pixels:
    """Colour noise with a 1/f spectrum (the statistics of natural photos) plus sensor grain:
    texture and edges at every scale, but no strokes."""
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(height)[:, np.newaxis]
    fx = np.fft.rfftfreq(width)[np.newaxis, :]
    amplitude = 1 / np.maximum(np.hypot(fy, fx), 1 / max(height, width))
    channels = []
    for _ in range(3):
        spectrum = amplitude * np.exp(2j * np.pi * rng.uniform(size=amplitude.shape))
        channel = np.fft.irfft2(spectrum, s=(height, width))
        channels.append((channel - channel.mean()) / channel.std())
    image = 128 + 40 * np.stack(channels, axis=-1) + rng.normal(0, 4, (height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [0, 1])
def test_photo_like_noise_gives_few_regions(finder: TextFinder, seed: int) -> None:
    assert len(finder.find(pink_noise(seed))) <= 2


@pytest.mark.parametrize(("height", "width"), [(8, 8), (1, 500), (0, 0), (6000, 400),
                                               (400, 6000)])
def test_extreme_sizes_work(finder: TextFinder, height: int, width: int) -> None:
    lines = finder.find(blank(height, width))
    assert all(0 <= line.region.x <= width and 0 <= line.region.y <= height for line in lines)


def test_text_on_a_long_strip_is_found(finder: TextFinder) -> None:
    """A 6000 x 400 banner fits the pixel budget at full height: 20 px text survives."""
    image = blank(400, 6000)
    drawn = [draw(image, "REF 4410 2291", x, 200, 0.7) for x in (100, 2900, 5700)]
    regions = [line.region for line in finder.find(image)]
    for box in drawn:
        assert covered(box, regions, image.shape) >= 0.7, box


def test_inference_size_is_bounded() -> None:
    settings = DetectionSettings()
    for height, width in [(8, 8), (7016, 4961), (400, 6000), (100_000, 50), (1, 1)]:
        net_h, net_w = inference_size(height, width, settings)
        assert net_h % 32 == 0 and net_w % 32 == 0
        assert net_h * net_w <= settings.max_pixels * 1.05
    assert inference_size(1160, 720, settings) == (1152, 704)  # large enough: kept
    assert inference_size(300, 400, settings) == (512, 672)  # short side up to 512
    assert inference_size(85, 780, settings) == (160, 1568)  # a strip: at most twice
    assert max(inference_size(7016, 4961, settings)) <= 2304


def test_finder_is_shared_between_threads(finder: TextFinder) -> None:
    images = []
    for i in range(4):
        image = blank(400, 700)
        draw(image, f"ORDER {1000 + i} OK", 40 + 30 * i, 200, 1.2 + 0.2 * i)
        images.append(image)
    alone = [finder.find(image) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(finder.find, images))
    assert [[line.region for line in lines] for lines in together] == \
        [[line.region for line in lines] for lines in alone]


def text_line(x: float, y: float, w: float, h: float) -> TextLine:
    polygon = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
    return TextLine(Region(RegionKind.TEXT, x, y, w, h, score=0.9), polygon)


def test_a_lone_glyph_box_takes_the_line_height_about_its_middle() -> None:
    lines = [text_line(10, 10, 300, 30), text_line(10, 50, 200, 32), text_line(10, 90, 250, 30),
             text_line(400, 52, 8, 12)]  # a '1' boxed around its ink only
    grown = with_line_height([line.region for line in lines], lines)
    assert grown[:3] == [line.region for line in lines[:3]]
    glyph = grown[3]
    assert glyph.h == 30 and glyph.y + glyph.h / 2 == 52 + 12 / 2
    assert (glyph.x, glyph.w, glyph.score) == (400, 8, 0.9)


def test_boxes_are_only_grown_and_few_lines_are_left_alone() -> None:
    lines = [text_line(0, 0, 100, 40), text_line(0, 50, 100, 10), text_line(0, 70, 100, 20)]
    median = 20
    grown = with_line_height([line.region for line in lines], lines)
    for before, after in zip(lines, grown, strict=True):
        short = before.region.h < LONE_GLYPH_SHARE * median
        assert after == (replace(before.region, y=before.region.y - (median - 10) / 2, h=median)
                         if short else before.region)
    assert grown[1].h == median  # the 10 px box; the 40 px one is not shrunk
    assert with_line_height([lines[1].region], lines[:2]) == [lines[1].region]


def test_only_the_given_regions_are_returned() -> None:
    lines = [text_line(0, 10 * i, 100, 30) for i in range(4)] + [text_line(200, 0, 5, 6)]
    assert with_line_height([lines[4].region], lines)[0].h == 30


def test_a_second_look_at_tall_print_only_adds_lines(finder: TextFinder) -> None:
    image = blank(900, 1200)
    drawn = [draw(image, "TOTAL RM 30.91", 40, 150, 3.0), draw(image, "CASH 50.00", 40, 350, 3.0),
             draw(image, "1", 900, 350, 3.0), draw(image, "CHANGE 19.09", 40, 550, 3.0)]
    once = TextFinder.load(1, DetectionSettings(second_look_trigger=float("inf")))
    first = [line.region for line in once.find(image)]
    both = [line.region for line in finder.find(image)]
    assert all(region in both for region in first)
    for box in drawn:
        assert covered(box, with_line_height(both, finder.find(image)), image.shape) >= 0.7, box
