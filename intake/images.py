"""Image checks: type by magic bytes, dimensions from the header before any decoding
(decompression bombs), then a full decode to catch truncation and corruption."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from intake.contract_format import ImageFormat, ImageRules
from intake.problems import Problems

# (magic prefix, offset) per format; WebP is RIFF....WEBP.
_MAGIC: tuple[tuple[ImageFormat, bytes, int], ...] = (
    (ImageFormat.JPEG, b"\xff\xd8\xff", 0),
    (ImageFormat.PNG, b"\x89PNG\r\n\x1a\n", 0),
    (ImageFormat.GIF, b"GIF87a", 0),
    (ImageFormat.GIF, b"GIF89a", 0),
    (ImageFormat.WEBP, b"WEBP", 8),
    (ImageFormat.BMP, b"BM", 0),
    (ImageFormat.TIFF, b"II*\x00", 0),
    (ImageFormat.TIFF, b"MM\x00*", 0),
)
_PILLOW_FORMAT = {
    ImageFormat.JPEG: "JPEG", ImageFormat.PNG: "PNG", ImageFormat.GIF: "GIF",
    ImageFormat.WEBP: "WEBP", ImageFormat.BMP: "BMP", ImageFormat.TIFF: "TIFF",
}
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".bmp",
                              ".tif", ".tiff"})
"""Names taken for images even when their bytes are not (the light client's pre-flight keeps
the same list)."""
IMAGE_RULES = frozenset({
    "image.unknown_type", "image.format_not_allowed", "image.corrupt_header",
    "image.too_many_pixels", "image.too_small", "image.too_large", "image.corrupt",
})
"""Every rule `inspect_image` reports: all need the pixels."""


@dataclass(frozen=True)
class ImageInfo:
    format: ImageFormat
    width: int
    height: int


def sniff_format(head: bytes) -> ImageFormat | None:
    for fmt, magic, offset in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            if fmt is ImageFormat.WEBP and head[:4] != b"RIFF":
                continue
            return fmt
    return None


def inspect_image(data: bytes, path: str, rules: ImageRules,
                  problems: Problems) -> ImageInfo | None:
    """Check one image against the contract; problems are recorded, None when unusable."""
    fmt = sniff_format(data[:16])
    if fmt is None:
        problems.error("image.unknown_type", "not an image of a known type (by its magic bytes)",
                       file=path)
        return None
    if fmt not in rules.formats:
        problems.error("image.format_not_allowed",
                       f"{fmt.value} images are not accepted by the contract", file=path)
        return None
    header = _read_header(data, fmt, path, problems)
    if header is None:
        return None
    image, (width, height) = header
    if not _dimensions_ok(width, height, rules, path, problems):
        return None
    if not _decodes(image, fmt, path, problems):
        return None
    return ImageInfo(fmt, width, height)


def _read_header(data: bytes, fmt: ImageFormat, path: str,
                 problems: Problems) -> tuple[Image.Image, tuple[int, int]] | None:
    try:
        with warnings.catch_warnings():
            # Our own pixel limit, checked next, replaces Pillow's global bomb guard.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[fmt]])
    except Image.DecompressionBombError:
        problems.error("image.too_many_pixels",
                       "the header declares more pixels than can be decoded safely", file=path)
        return None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        problems.error("image.corrupt_header", f"the {fmt.value} header cannot be read",
                       file=path)
        return None
    return image, image.size


def _dimensions_ok(width: int, height: int, rules: ImageRules, path: str,
                   problems: Problems) -> bool:
    pixels = width * height
    if pixels > rules.max_pixels:
        problems.error("image.too_many_pixels",
                       f"{width}x{height} exceeds the contract's {rules.max_pixels} pixels "
                       "(checked before decoding)", file=path)
        return False
    ok = True
    for rule, bad, message in (
        ("image.too_small", width < rules.min_width or height < rules.min_height
         or pixels < rules.min_pixels, f"{width}x{height} is below the contract's minimum"),
        ("image.too_large", width > rules.max_width or height > rules.max_height,
         f"{width}x{height} is above the contract's maximum"),
    ):
        if bad:
            problems.error(rule, message, file=path)
            ok = False
    return ok


def _decodes(image: Image.Image, fmt: ImageFormat, path: str, problems: Problems) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if fmt is ImageFormat.JPEG:
                # Decoding at 1/8 scale still reads and checks the whole entropy-coded
                # stream (truncation, corrupt data) at a fraction of the cost.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            MemoryError):
        problems.error("image.corrupt", f"the {fmt.value} data is truncated or corrupt",
                       file=path)
        return False
    finally:
        image.close()
    return True
