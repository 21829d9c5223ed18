from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from intake.contract_format import ImageFormat, ImageRules
from intake.images import inspect_image, sniff_format
from intake.problems import Problems


def encode(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 30, 200)).save(buffer, fmt)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares the given size and holds no pixel data (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


ALL_FORMATS = ImageRules(formats=list(ImageFormat))


@pytest.mark.parametrize(("fmt", "expected"), [
    ("JPEG", ImageFormat.JPEG), ("PNG", ImageFormat.PNG), ("WEBP", ImageFormat.WEBP),
    ("BMP", ImageFormat.BMP), ("TIFF", ImageFormat.TIFF), ("GIF", ImageFormat.GIF),
])
def test_valid_images_pass(fmt: str, expected: ImageFormat) -> None:
    problems = Problems()
    info = inspect_image(encode(fmt), "x", ALL_FORMATS, problems)
    assert info is not None and problems.kept == []
    assert (info.format, info.width, info.height) == (expected, 64, 48)


@pytest.mark.parametrize("head", [b"", b"hello", b"%PDF-1.7", b"RIFF\0\0\0\0WAVE"])
def test_non_images_have_no_format(head: bytes) -> None:
    assert sniff_format(head) is None


def _rules_of(data: bytes, rules: ImageRules = ALL_FORMATS) -> list[str]:
    problems = Problems()
    assert inspect_image(data, "img", rules, problems) is None
    assert all(p.file == "img" for p in problems.kept)
    return [p.rule for p in problems.kept]


def test_type_comes_from_magic_bytes_not_extension() -> None:
    assert _rules_of(b"just text", ALL_FORMATS) == ["image.unknown_type"]
    png_only = ImageRules(formats=[ImageFormat.PNG])
    assert _rules_of(encode("JPEG"), png_only) == ["image.format_not_allowed"]


def test_truncated_and_corrupt_images_are_caught() -> None:
    jpeg = encode("JPEG", (640, 480))
    assert _rules_of(jpeg[: len(jpeg) // 2]) == ["image.corrupt"]
    png = encode("PNG", (640, 480))
    assert _rules_of(png[: len(png) - 40]) == ["image.corrupt"]
    broken = bytearray(jpeg)
    broken[len(jpeg) // 2: len(jpeg) // 2 + 200] = b"\xff" * 200
    assert _rules_of(bytes(broken)) == ["image.corrupt"]


@pytest.mark.parametrize("size", [(100_000, 100_000), (20_000, 10_000)])
def test_pixel_bombs_are_refused_from_the_header(size: tuple[int, int]) -> None:
    assert _rules_of(png_header(*size)) == ["image.too_many_pixels"]


def test_contract_dimensions() -> None:
    rules = ImageRules(formats=list(ImageFormat), min_width=100, max_height=40)
    assert sorted(_rules_of(encode("PNG"), rules)) == ["image.too_large", "image.too_small"]
