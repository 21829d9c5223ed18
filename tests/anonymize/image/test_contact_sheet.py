"""The contact sheet: a bounded grid of thumbnails, a JPEG with nothing but pixels."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image

from anonymize.image.contact_sheet import ContactSheet
from anonymize.image.regions import Pixels


def solid(height: int, width: int, colour: tuple[int, int, int]) -> Pixels:
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[:] = colour
    return pixels


def jpeg_markers(data: bytes) -> list[int]:
    """Markers of the segments before the first scan."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return markers


def open_sheet(data: bytes | None) -> Image.Image:
    assert data is not None
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_empty_sheet_renders_nothing() -> None:
    assert ContactSheet().render() is None


def test_grid_layout_and_colours() -> None:
    sheet = ContactSheet(columns=3, thumb=40)
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 40)]
    for colour in colours:
        sheet.add(solid(80, 80, colour))
    image = open_sheet(sheet.render())
    assert image.format == "JPEG" and image.mode == "RGB"
    # 3 columns, 2 rows of 40 px cells with 4 px gaps.
    assert image.size == (3 * 44 + 4, 2 * 44 + 4)
    pixels = np.asarray(image).astype(int)
    centres = [(24, 24), (24, 68), (24, 112), (68, 24)]
    for (y, x), colour in zip(centres, colours, strict=True):
        assert np.abs(pixels[y, x] - colour).max() < 20
    assert pixels[68, 112].max() < 50  # the empty sixth cell is background


def test_thumbnails_fit_and_keep_their_aspect() -> None:
    sheet = ContactSheet(columns=2, thumb=50)
    sheet.add(solid(30, 300, (250, 250, 250)))
    sheet.add(solid(400, 100, (250, 250, 250)))
    sheet.add(solid(5, 10, (250, 250, 250)))
    thumbs = sheet._thumbs
    assert [t.shape[:2] for t in thumbs] == [(5, 50), (50, 12), (25, 50)]


def test_only_the_first_limit_images_are_kept() -> None:
    sheet = ContactSheet(columns=4, thumb=16, limit=5)
    for i in range(12):
        sheet.add(solid(64, 64, (i * 20, 0, 0)))
    assert len(sheet) == 5 and sheet.seen == 12
    assert [int(t[0, 0, 0]) for t in sheet._thumbs] == [0, 20, 40, 60, 80]
    image = open_sheet(sheet.render())
    assert image.size == (4 * 20 + 4, 2 * 20 + 4)


def test_memory_is_bounded_by_the_thumbnails() -> None:
    sheet = ContactSheet(columns=8, thumb=32, limit=4)
    big = np.zeros((2000, 3000, 3), dtype=np.uint8)
    for _ in range(10):
        sheet.add(big)
    assert sum(t.nbytes for t in sheet._thumbs) <= 4 * 32 * 32 * 3
    assert all(t.base is None or t.base.nbytes <= 32 * 32 * 3 for t in sheet._thumbs)


def test_no_metadata_and_no_names() -> None:
    sheet = ContactSheet()
    sheet.add(solid(100, 120, (90, 120, 150)))
    data = sheet.render()
    assert data is not None
    assert b"AIRLOCK" not in data and b"Jane" not in data and b"Exif" not in data
    markers = jpeg_markers(data)
    assert not set(markers) & ({0xFE} | set(range(0xE1, 0xF0)))
    assert "AIRLOCK" not in repr(vars(sheet))
    assert not open_sheet(data).getexif()


def test_sheet_is_rendered_again_after_more_images() -> None:
    sheet = ContactSheet(columns=2, thumb=20)
    sheet.add(solid(20, 20, (0, 0, 0)))
    first = open_sheet(sheet.render())
    sheet.add(solid(20, 20, (0, 0, 0)))
    assert first.size == (24 + 4, 28) and open_sheet(sheet.render()).size == (2 * 24 + 4, 28)


@pytest.mark.parametrize("settings", [
    {"columns": 0}, {"thumb": 0}, {"limit": 0}, {"thumb": 5000}, {"columns": 1000},
    {"limit": 10**6}, {"columns": 64, "thumb": 1024, "limit": 4096},
])
def test_settings_are_bounded(settings: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"between|too large"):
        ContactSheet(**settings)


def test_bad_pixels_are_refused() -> None:
    sheet = ContactSheet()
    with pytest.raises(ValueError, match="uint8"):
        sheet.add(np.zeros((10, 10), dtype=np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        sheet.add(np.zeros((10, 10, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="empty"):
        sheet.add(np.zeros((0, 10, 3), dtype=np.uint8))
    assert sheet.render() is None
