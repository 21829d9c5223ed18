"""Text recognition of detected lines: clear print reads back, nothing-to-read reads as ""."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from anonymize.image.regions import Pixels, Region, RegionKind
from anonymize.image.text_reader import TextReader, crop_line
from anonymize.image.text_regions import TextFinder, TextLine


@pytest.fixture(scope="module")
def finder() -> TextFinder:
    return TextFinder.load(threads=1)


@pytest.fixture(scope="module")
def reader() -> TextReader:
    return TextReader.load(threads=1)


def blank(height: int, width: int) -> Pixels:
    return np.full((height, width, 3), 255, dtype=np.uint8)


def draw(image: Pixels, text: str, x: int, baseline: int, scale: float) -> None:
    cv2.putText(image, text, (x, baseline), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                max(1, round(scale * 2)), cv2.LINE_AA)


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def close(read: str, expected: str) -> bool:
    """Equal up to spacing, case and two OCR slips (Hershey glyphs are not a print font)."""
    return distance("".join(read.split()).upper(), "".join(expected.split()).upper()) <= 2


def box_line(x: float, y: float, w: float, h: float) -> TextLine:
    polygon = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
    return TextLine(Region(RegionKind.TEXT, x, y, w, h), polygon)


def test_reads_a_clear_printed_line(finder: TextFinder, reader: TextReader) -> None:
    image = blank(200, 900)
    draw(image, "CALL 0123 456 789", 40, 120, 1.6)
    lines = finder.find(image)
    texts = reader.read(image, lines)
    assert len(texts) == len(lines) >= 1
    by_x = sorted(zip([line.region.x for line in lines], texts, strict=True))
    joined = " ".join(text for _, text in by_x)
    assert close(joined, "CALL 0123 456 789"), joined
    digits = "".join(c for c in joined if c.isdigit())
    assert distance(digits, "0123456789") <= 1, joined


def test_reads_each_line_in_the_given_order(finder: TextFinder, reader: TextReader) -> None:
    image = blank(500, 1000)
    expected = ["INVOICE 2291", "JOHN SMITH", "PHONE 555 0199"]
    for i, text in enumerate(expected):
        draw(image, text, 60 + 120 * i, 110 + 150 * i, 1.3 + 0.3 * i)
    lines = sorted(finder.find(image), key=lambda line: line.region.y)
    assert len(lines) == len(expected)
    texts = reader.read(image, list(reversed(lines)))
    for read, text in zip(texts, reversed(expected), strict=True):
        assert close(read, text), (read, text)


def test_reads_large_print_from_a_high_resolution_scan(reader: TextReader) -> None:
    """A line 150 px tall (a 600-dpi scan) is shrunk by area before recognition."""
    image = blank(400, 2600)
    draw(image, "ACCOUNT 5521 0098", 40, 250, 5.0)
    (width, height), below = cv2.getTextSize("ACCOUNT 5521 0098", cv2.FONT_HERSHEY_SIMPLEX,
                                             5.0, 10)
    (text,) = reader.read(image, [box_line(20, 250 - height - 20, width + 40,
                                           height + below + 40)])
    assert close(text, "ACCOUNT 5521 0098"), text


def test_reads_a_vertical_line(finder: TextFinder, reader: TextReader) -> None:
    """Text running top to bottom (a label turned a quarter right) is turned back."""
    image = blank(200, 900)
    draw(image, "CALL 0123 456 789", 40, 120, 1.6)
    turned: Pixels = np.ascontiguousarray(cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE))
    lines = finder.find(turned)
    assert len(lines) == 1
    assert lines[0].region.h > 1.5 * lines[0].region.w
    (text,) = reader.read(turned, lines)
    assert close(text, "CALL 0123 456 789"), text


def test_nothing_to_read_reads_as_empty(reader: TextReader) -> None:
    image = blank(100, 400)
    degenerate = TextLine(Region(RegionKind.TEXT, 10, 10, 0, 0),
                          np.full((4, 2), 10, dtype=np.float32))
    assert reader.read(image, []) == []
    assert reader.read(image, [box_line(10, 10, 300, 40), degenerate]) == ["", ""]


def test_crop_is_a_bgr_strip_at_most_48_px_tall() -> None:
    image = blank(300, 600)
    image[:, :, 0] = 200  # red channel marked: it must end up last (BGR)
    crop = crop_line(image, box_line(0, 0, 600, 300).polygon)
    assert crop is not None
    assert crop.shape == (48, 96, 3)
    tall = crop_line(image, box_line(100, 0, 100, 300).polygon)
    assert tall is not None
    assert tall.shape == (48, 144, 3)  # 100 x 300 is turned on its side, then shrunk
    assert crop[..., 2].mean() == pytest.approx(200, abs=1)
    assert crop[..., 0].mean() == pytest.approx(255, abs=1)
