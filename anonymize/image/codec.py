"""Decoding an image for redaction and writing it back without any metadata.

The output must carry nothing but pixels: EXIF (GPS, maker notes, serial numbers, the
orientation), XMP, IPTC, ICC profiles, comments and text chunks can all hold personal data,
so the encoder is always handed a fresh image built from the array and an explicit list of
options, never the source's `info`. The source's orientation is applied to the pixels on
decoding because the tag that would rotate them is not written back.

ICC profiles are dropped, not applied: the pixels are kept as decoded, so an image in a
wide-gamut profile (Display P3, Adobe RGB) looks slightly less saturated afterwards. That is
a colour shift, never a leak, and the detectors see the same pixels that are written.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, JpegImagePlugin, UnidentifiedImageError

from anonymize.image.regions import Pixels

Alpha = npt.NDArray[np.uint8]
"""Opacity, height x width, 0 transparent to 255 opaque."""

# What Pillow may open: the formats the intake accepts, nothing that runs an external
# program or parses a container (EPS, PSD, PDF ...).
_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF")
_ALPHA_FORMATS = frozenset({"PNG", "WEBP", "TIFF", "GIF"})
"""BMP can hold alpha only in layouts few readers honour (Pillow reads 32-bit BMPs as
RGB): it is written as 24-bit colour or 8-bit grey, like JPEG."""
_GREY_MODES = frozenset({"1", "L", "LA", "La", "I", "F"})
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
# TIFF compressions written back as they came; lossy or bilevel-only ones (JPEG, CCITT)
# become Deflate, which is lossless and readable everywhere.
_TIFF_LOSSLESS = frozenset({"raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"})
_TIFF_FALLBACK = "tiff_adobe_deflate"
_JPEG_FALLBACK_QUALITY = 95
"""With 4:4:4 chroma, when a JPEG's tables could not be read."""
_WEBP_LOSSY_QUALITY = 90
"""WebP does not record its quality; 90 keeps a re-encode close to most sources."""
_GIF_TRANSPARENT = 255
"""Palette index kept for transparent pixels; the other 255 hold the colours."""
_DECODE_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
                  struct.error, IndexError, KeyError, TypeError, MemoryError)


class ImageDecodeError(ValueError):
    """The data is not an image this service decodes, or it is too large to decode."""


@dataclass(frozen=True)
class JpegSettings:
    """What a JPEG is re-encoded with so that it stays close to the source's quality."""

    qtables: tuple[tuple[int, ...], ...] | None
    """Quantisation tables in natural order, as Pillow reads and writes them."""
    subsampling: int
    """Pillow's code: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0, -1 = the encoder's default."""
    progressive: bool


@dataclass(frozen=True, eq=False)
class Decoded:
    """An upright image and what is needed to write it back in its own format.

    Frozen against rebinding only: `pixels` is a writable array, redacted in place."""

    pixels: Pixels
    alpha: Alpha | None
    format: str
    """Pillow's name: "JPEG", "PNG", "WEBP", "BMP", "TIFF" or "GIF" (an MPO, a JPEG with
    extra pictures such as a phone's preview, is "JPEG" with `frames` > 1)."""
    mode: str
    """The source's Pillow mode ("L", "RGB", "RGBA", "P", "CMYK", "I;16" ...)."""
    frames: int
    """Frames or pages in the source; only the first one is decoded."""
    grey: bool = False
    """Written back as greyscale: the source had no colour (a grey mode, or a palette
    image whose pixels are all grey, as Pillow reads greyscale GIFs)."""
    jpeg: JpegSettings | None = None
    webp_lossless: bool | None = None
    """None when the source is not a WebP or its bitstream could not be told."""
    tiff_compression: str | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def decode(data: bytes, max_pixels: int) -> Decoded:
    """The first frame of `data`, upright, as RGB plus alpha when the source had any.

    The size in the header is checked against `max_pixels` before any pixel is decoded."""
    with warnings.catch_warnings():
        # Our own limit, checked below, replaces Pillow's global decompression-bomb guard.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_FORMATS)
        except Image.DecompressionBombError as exc:
            raise ImageDecodeError("the header declares more pixels than can be decoded "
                                   "safely") from exc
        except _DECODE_ERRORS as exc:
            raise ImageDecodeError("not a decodable JPEG, PNG, WebP, BMP, TIFF or GIF "
                                   "image") from exc
        with image:
            width, height = image.size
            if width <= 0 or height <= 0:
                raise ImageDecodeError(f"the header declares an empty image ({width}x{height})")
            if width * height > max_pixels:
                raise ImageDecodeError(f"{width}x{height} exceeds the limit of {max_pixels} "
                                       "pixels (checked before decoding)")
            fmt = "JPEG" if image.format == "MPO" else str(image.format)
            try:
                return _decode_first_frame(image, fmt, data)
            except ImageDecodeError:
                raise
            except (*_DECODE_ERRORS, Image.DecompressionBombError) as exc:
                raise ImageDecodeError(f"the {fmt} data is truncated, corrupt or of an "
                                       "unsupported kind") from exc


def encode(pixels: Pixels, source: Decoded) -> bytes:
    """`pixels` in the source's format, with no metadata at all.

    Grey sources are written grey, sources with transparency keep the alpha channel in PNG,
    WebP, TIFF and GIF (JPEG and BMP have none that readers honour), and JPEGs reuse the
    source's quantisation tables and chroma subsampling."""
    _check_pixels(pixels)
    alpha = source.alpha
    if alpha is not None and alpha.shape != pixels.shape[:2]:
        raise ValueError(f"the alpha channel is {alpha.shape[1]}x{alpha.shape[0]} but the "
                         f"pixels are {pixels.shape[1]}x{pixels.shape[0]}")
    keeps_alpha = source.format in _ALPHA_FORMATS
    image = _to_image(pixels, alpha if keeps_alpha else None, source.grey)
    # A fresh image has an empty `info`; cleared anyway because some encoders (JPEG comment,
    # PNG and TIFF ICC profile, GIF comment) fall back to it when an option is not given.
    image.info.clear()
    out = io.BytesIO()
    if source.format == "JPEG":
        _save_jpeg(image, out, source.jpeg)
    elif source.format == "PNG":
        image.save(out, format="PNG", optimize=False)
    elif source.format == "WEBP":
        # For lossless WebP, quality is the compression effort: 80 is libwebp's default.
        quality = 80 if source.webp_lossless else _WEBP_LOSSY_QUALITY
        image.save(out, format="WEBP", lossless=bool(source.webp_lossless), quality=quality,
                   method=4)
    elif source.format == "BMP":
        image.save(out, format="BMP")
    elif source.format == "TIFF":
        image.save(out, format="TIFF", compression=source.tiff_compression or _TIFF_FALLBACK)
    elif source.format == "GIF":
        _save_gif(image, out)
    else:
        raise ValueError(f"cannot encode {source.format} images")
    return out.getvalue()


def _decode_first_frame(image: Image.Image, fmt: str, data: bytes) -> Decoded:
    frames = int(getattr(image, "n_frames", 1))
    if frames > 1:
        image.seek(0)
    image.load()
    mode = image.mode
    jpeg = _jpeg_settings(image) if fmt == "JPEG" else None
    compression = image.info.get("compression") if fmt == "TIFF" else None
    tiff_compression = None
    if fmt == "TIFF":
        tiff_compression = compression if compression in _TIFF_LOSSLESS else _TIFF_FALLBACK
    upright = ImageOps.exif_transpose(image)
    pixels, alpha = _to_arrays(upright)
    grey = mode in _GREY_MODES or mode.startswith("I;16") or (
        mode in ("P", "PA") and _all_grey(pixels))
    return Decoded(pixels=pixels, alpha=alpha, format=fmt, mode=mode, frames=frames,
                   grey=grey, jpeg=jpeg,
                   webp_lossless=_webp_lossless(data) if fmt == "WEBP" else None,
                   tiff_compression=tiff_compression)


def _jpeg_settings(image: Image.Image) -> JpegSettings:
    raw = getattr(image, "quantization", None) or {}
    qtables = tuple(tuple(int(v) for v in raw[key]) for key in sorted(raw)) or None
    if qtables is not None and not (0 < len(qtables) < 5 and all(len(t) == 64 for t in qtables)):
        qtables = None
    progressive = bool(image.info.get("progressive") or image.info.get("progression"))
    return JpegSettings(qtables=qtables, subsampling=JpegImagePlugin.get_sampling(image),
                        progressive=progressive)


def _to_arrays(image: Image.Image) -> tuple[Pixels, Alpha | None]:
    """RGB uint8 and, when the image has transparency, its alpha; arrays of their own,
    writable (what Pillow exports is read-only)."""
    mode = image.mode
    if mode in ("I", "F") or mode.startswith("I;16"):
        grey = _to_8bit(image)
        alpha = None
        transparency = image.info.get("transparency")
        if isinstance(transparency, int):
            alpha = np.where(np.asarray(image) == transparency, 0, 255).astype(np.uint8)
        return _owned(np.repeat(grey[:, :, None], 3, axis=2)), alpha
    if mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = np.asarray(image.convert("RGBA"))
        return _owned(rgba[:, :, :3]), _owned(rgba[:, :, 3])
    if mode in ("1", "L"):
        grey = np.asarray(image.convert("L"))
        return _owned(np.repeat(grey[:, :, None], 3, axis=2)), None
    return _owned(np.asarray(image.convert("RGB"))), None


def _owned(values: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    if values.base is None and values.flags.writeable and values.flags.c_contiguous:
        return values
    return np.array(values, dtype=np.uint8, order="C", copy=True)


def _all_grey(pixels: Pixels) -> bool:
    return bool(np.array_equal(pixels[:, :, 0], pixels[:, :, 1])
                and np.array_equal(pixels[:, :, 1], pixels[:, :, 2]))


def _to_8bit(image: Image.Image) -> npt.NDArray[np.uint8]:
    """16-bit, 32-bit and float greyscale scaled to 0..255 (Pillow would clip, not scale)."""
    values = np.asarray(image).astype(np.float64)
    values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    if image.mode == "F":
        top = 1.0 if values.size and float(values.max()) <= 1.0 else 255.0
        scaled = values * (255.0 / top)
    elif image.mode.startswith("I;16") or (values.size and float(values.max()) > 255):
        scaled = values / 257.0
    else:
        scaled = values
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _webp_lossless(data: bytes) -> bool | None:
    """From the RIFF chunks: VP8L is lossless, VP8 lossy; animations are told by their first
    frame. Bounded by the data's length, each step moving forward."""
    if len(data) < 20 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    offset = 12
    while offset + 8 <= end:
        fourcc = data[offset:offset + 4]
        size = struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":
            offset += 8 + 16  # into the frame: its header, then its own chunks
            continue
        offset += 8 + size + (size & 1)
    return None


def _check_pixels(pixels: Pixels) -> None:
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected height x width x 3 uint8 pixels, got {pixels.shape} "
                         f"{pixels.dtype}")
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise ValueError("cannot encode an empty image")


def _to_image(pixels: Pixels, alpha: Alpha | None, grey: bool) -> Image.Image:
    rgb = Image.fromarray(np.ascontiguousarray(pixels), mode="RGB")
    if grey:
        base = rgb.convert("L")
        if alpha is None:
            return base
        base.putalpha(Image.fromarray(np.ascontiguousarray(alpha), mode="L"))
        return base
    if alpha is None:
        return rgb
    rgb.putalpha(Image.fromarray(np.ascontiguousarray(alpha), mode="L"))
    return rgb


def _save_jpeg(image: Image.Image, out: io.BytesIO, settings: JpegSettings | None) -> None:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    options: dict[str, object] = {}
    if settings is not None and settings.qtables is not None:
        options["qtables"] = [list(table) for table in settings.qtables]
        if image.mode == "RGB" and settings.subsampling >= 0:
            options["subsampling"] = settings.subsampling
    else:
        options["quality"] = _JPEG_FALLBACK_QUALITY
        options["subsampling"] = 0
    if settings is not None and settings.progressive:
        options["progressive"] = True
    image.save(out, format="JPEG", **options)


def _save_gif(image: Image.Image, out: io.BytesIO) -> None:
    """One frame, 255 colours and one transparent index when the source had transparency
    (GIF transparency is on or off: alpha below half is transparent)."""
    if image.mode == "L":
        image.save(out, format="GIF")
        return
    alpha = None
    if image.mode in ("RGBA", "LA"):
        alpha = np.asarray(image.getchannel("A"))
        image = image.convert("RGB")
    if alpha is None:
        paletted = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        paletted.info.clear()
        paletted.save(out, format="GIF")
        return
    paletted = image.quantize(colors=_GIF_TRANSPARENT, method=Image.Quantize.MEDIANCUT)
    indices = np.array(paletted, dtype=np.uint8)
    indices[alpha < 128] = _GIF_TRANSPARENT
    palette = (paletted.getpalette() or [])[: 3 * _GIF_TRANSPARENT]
    palette += [0] * (3 * 256 - len(palette))
    result = Image.fromarray(indices, mode="P")
    result.putpalette(palette)
    result.save(out, format="GIF", transparency=_GIF_TRANSPARENT, optimize=False)
