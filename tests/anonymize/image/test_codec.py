"""Decoding and re-encoding: metadata planted in every place a format has for it must not
come out, orientation is applied to the pixels, and format, size, grey, alpha and JPEG
quality are kept."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, JpegImagePlugin, PngImagePlugin, TiffTags

from anonymize.image.codec import Decoded, ImageDecodeError, decode, encode

MARKER = b"AIRLOCK-CANARY-7f3a"
MAX_PIXELS = 1_000_000
XMP = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="' + MARKER + b'"/>'
       b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
FORBIDDEN = (MARKER, b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"Photoshop 3.0",
             b"ICC_PROFILE", b"acsp", b"8BIM", b"adobe:ns:meta")
FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF")

# ---------------------------------------------------------------------------- building


def photo(width: int = 96, height: int = 64, seed: int = 0) -> npt.NDArray[np.uint8]:
    """Smooth gradients plus a little noise: compresses like a photograph."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([xx / max(width - 1, 1) * 200 + 20,
                     yy / max(height - 1, 1) * 180 + 40,
                     (xx + yy) / max(width + height - 2, 1) * 120 + 60], axis=2)
    noisy = base + rng.normal(0, 6, base.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def planted_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "description " + MARKER.decode()
    exif[ExifTags.Base.Artist] = "artist " + MARKER.decode()
    exif[ExifTags.Base.Copyright] = "copyright " + MARKER.decode()
    exif[ExifTags.Base.Make] = "CanaryCam"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.MakerNote] = b"maker " + MARKER
    details[ExifTags.Base.BodySerialNumber] = "serial " + MARKER.decode()
    return exif


def iptc_app13() -> bytes:
    """A Photoshop APP13 segment holding an IPTC caption and by-line."""
    def dataset(number: int, value: bytes) -> bytes:
        return b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value)) + value

    iptc = dataset(0x78, b"caption " + MARKER) + dataset(0x50, b"by " + MARKER)
    if len(iptc) % 2:
        iptc += b"\x00"
    body = b"Photoshop 3.0\x00" + b"8BIM" + b"\x04\x04" + b"\x00\x00" \
        + struct.pack(">I", len(iptc)) + iptc
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_everything(pixels: npt.NDArray[np.uint8], orientation: int | None = None,
                         **options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90,
                                 exif=planted_exif(orientation).tobytes(), xmp=XMP,
                                 icc_profile=ICC, comment=b"comment " + MARKER, **options)
    data = out.getvalue()
    return data[:2] + iptc_app13() + data[2:]


def png_with_everything(image: Image.Image, orientation: int | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "author " + MARKER.decode())
    info.add_text("Comment", "comment " + MARKER.decode(), zip=True)
    info.add_itxt("Description", "description " + MARKER.decode(), lang="en")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 5, 17, 12, 30, 0))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, exif=planted_exif(orientation).tobytes(),
               icc_profile=ICC)
    return out.getvalue()


def save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def roundtrip(data: bytes) -> tuple[Decoded, bytes]:
    decoded = decode(data, MAX_PIXELS)
    return decoded, encode(decoded.pixels, decoded)


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---------------------------------------------------------------------------- parsing


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment, walking the entropy-coded scans."""
    assert data[:2] == b"\xff\xd8"
    segments: list[tuple[int, bytes]] = []
    pos = 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"no marker at {pos}"
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            segments.append((marker, b""))
            return segments
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segments.append((marker, data[pos + 4:pos + 2 + length]))
        pos += 2 + length
        if marker == 0xDA:  # scan data up to the next marker that is not RSTn or stuffing
            while not (data[pos] == 0xFF and data[pos + 1] != 0
                       and not 0xD0 <= data[pos + 1] <= 0xD7):
                pos += 1
    raise AssertionError("no EOI")


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: list[tuple[bytes, bytes]] = []
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.append((kind, data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return chunks


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[pos:pos + 8])
        chunks.append((kind, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks


def gif_extensions(data: bytes) -> list[int]:
    """Labels of the extension blocks of a GIF."""
    assert data[:6] in (b"GIF87a", b"GIF89a")
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    labels: list[int] = []

    def skip_sub_blocks(at: int) -> int:
        while data[at]:
            at += data[at] + 1
        return at + 1

    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            labels.append(data[pos + 1])
            pos = skip_sub_blocks(pos + 2)
        elif data[pos] == 0x2C:
            local = data[pos + 9]
            pos += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            pos = skip_sub_blocks(pos + 1)  # after the LZW minimum code size
        else:
            raise AssertionError(f"unexpected GIF block {data[pos]:#x}")
    return labels


ALLOWED_JPEG = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xDA, 0xD9}
ALLOWED_PNG = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
ALLOWED_WEBP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
ALLOWED_TIFF = {"ImageWidth", "ImageLength", "BitsPerSample", "Compression",
                "PhotometricInterpretation", "StripOffsets", "SamplesPerPixel", "RowsPerStrip",
                "StripByteCounts", "PlanarConfiguration", "ExtraSamples", "SampleFormat",
                "Predictor", "ColorMap"}


def assert_clean(data: bytes, fmt: str) -> None:
    """Nothing but what the format needs to hold pixels."""
    for needle in FORBIDDEN:
        assert needle not in data, needle
    if fmt == "JPEG":
        segments = jpeg_segments(data)
        for marker, payload in segments:
            if marker == 0xE0:
                assert payload.startswith(b"JFIF\x00"), "APP0 that is not JFIF"
                assert len(payload) == 14, "JFIF with a thumbnail"
            else:
                assert marker in ALLOWED_JPEG, f"segment {marker:#x}"
        assert not {m for m, _ in segments} & ({0xFE} | set(range(0xE1, 0xF0)))
    elif fmt == "PNG":
        kinds = {kind for kind, _ in png_chunks(data)}
        assert kinds <= ALLOWED_PNG, kinds - ALLOWED_PNG
        assert not kinds & {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"tIME"}
    elif fmt == "WEBP":
        chunks = webp_chunks(data)
        kinds = {kind for kind, _ in chunks}
        assert kinds <= ALLOWED_WEBP, kinds - ALLOWED_WEBP
        for kind, payload in chunks:
            if kind == b"VP8X":
                assert payload[0] & 0b0010_1100 == 0, "VP8X announces ICC, EXIF or XMP"
    elif fmt == "TIFF":
        with Image.open(io.BytesIO(data)) as image:
            names = {TiffTags.lookup(tag).name for tag in image.tag_v2}  # type: ignore[attr-defined]
        assert names <= ALLOWED_TIFF, names - ALLOWED_TIFF
    elif fmt == "GIF":
        labels = gif_extensions(data)
        assert set(labels) <= {0xF9}, [hex(label) for label in labels]
    with Image.open(io.BytesIO(data)) as image:
        if fmt != "TIFF":  # a TIFF's EXIF view is its own (checked) structural tags
            assert not image.getexif()
        assert "icc_profile" not in image.info
        assert not {"exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp"} & set(image.info)


def psnr(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


# ---------------------------------------------------------------------------- metadata


def test_jpeg_planted_metadata_is_all_gone() -> None:
    data = jpeg_with_everything(photo())
    # The planting worked: every kind of segment is in the source.
    markers = {marker for marker, _ in jpeg_segments(data)}
    assert {0xE1, 0xE2, 0xED, 0xFE} <= markers
    assert MARKER in data and b"http://ns.adobe.com/xap" in data and b"ICC_PROFILE" in data
    with Image.open(io.BytesIO(data)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    decoded, out = roundtrip(data)
    assert decoded.format == "JPEG"
    assert_clean(out, "JPEG")


def test_png_planted_metadata_is_all_gone() -> None:
    data = png_with_everything(Image.fromarray(photo()))
    kinds = {kind for kind, _ in png_chunks(data)}
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"tIME"} <= kinds
    decoded, out = roundtrip(data)
    assert decoded.format == "PNG"
    assert_clean(out, "PNG")


def test_webp_planted_metadata_is_all_gone() -> None:
    data = save(Image.fromarray(photo()), "WEBP", exif=planted_exif().tobytes(), xmp=XMP,
                icc_profile=ICC)
    assert {b"EXIF", b"XMP ", b"ICCP"} <= {kind for kind, _ in webp_chunks(data)}
    decoded, out = roundtrip(data)
    assert decoded.format == "WEBP"
    assert_clean(out, "WEBP")


def test_tiff_planted_metadata_is_all_gone() -> None:
    data = save(Image.fromarray(photo()), "TIFF", exif=planted_exif(), icc_profile=ICC,
                description="description " + MARKER.decode(), software="CanarySoft",
                artist="artist " + MARKER.decode(), copyright="copyright " + MARKER.decode(),
                date_time="2024:05:17 12:30:00", compression="tiff_lzw")
    assert MARKER in data
    decoded, out = roundtrip(data)
    assert (decoded.format, decoded.tiff_compression) == ("TIFF", "tiff_lzw")
    assert_clean(out, "TIFF")
    assert b"CanaryCam" not in out and b"CanarySoft" not in out


def test_gif_comment_is_gone() -> None:
    data = save(Image.fromarray(photo()).quantize(64), "GIF", comment=b"comment " + MARKER)
    assert 0xFE in gif_extensions(data)
    decoded, out = roundtrip(data)
    assert decoded.format == "GIF"
    assert_clean(out, "GIF")


def test_bmp_roundtrip_is_clean() -> None:
    decoded, out = roundtrip(save(Image.fromarray(photo()), "BMP"))
    assert decoded.format == "BMP"
    assert_clean(out, "BMP")


def test_source_info_never_reaches_the_encoder() -> None:
    """A caller reusing a Decoded cannot smuggle metadata: the encoder reads only pixels."""
    decoded = decode(jpeg_with_everything(photo()), MAX_PIXELS)
    out = encode(decoded.pixels.copy(), decoded)
    assert_clean(out, "JPEG")


# ---------------------------------------------------------------------------- orientation


def oriented_source() -> npt.NDArray[np.uint8]:
    """40 wide, 20 high, blue with a red block in the stored top-left corner."""
    pixels = np.zeros((20, 40, 3), dtype=np.uint8)
    pixels[:] = (0, 0, 220)
    pixels[:8, :12] = (230, 0, 0)
    return pixels


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_orientation_is_applied_to_the_pixels(fmt: str) -> None:
    source = oriented_source()
    if fmt == "JPEG":
        data = jpeg_with_everything(source, orientation=6, subsampling=0)
    else:
        data = png_with_everything(Image.fromarray(source), orientation=6)
    decoded, out = roundtrip(data)
    # Orientation 6: the stored image is shown turned 90 degrees clockwise, so its top-left
    # corner is shown top-right.
    assert decoded.pixels.shape == (40, 20, 3)
    assert (decoded.width, decoded.height) == (20, 40)
    written = reopen(out)
    assert written.size == (20, 40)
    assert written.getexif().get(ExifTags.Base.Orientation) is None
    shown = np.asarray(written.convert("RGB")).astype(int)
    red, blue = np.array([230, 0, 0]), np.array([0, 0, 220])
    assert np.abs(shown[2:10, 14:18] - red).max() < 40   # top-right
    assert np.abs(shown[2:10, 0:8] - blue).max() < 40    # top-left
    assert np.abs(shown[30:38, 14:18] - blue).max() < 40  # bottom-right


# ---------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_and_size_are_kept(fmt: str) -> None:
    source = Image.fromarray(photo(37, 23))
    data = save(source.quantize(128) if fmt == "GIF" else source, fmt)
    decoded, out = roundtrip(data)
    assert decoded.format == fmt and decoded.frames == 1
    assert decoded.pixels.shape == (23, 37, 3) and decoded.pixels.dtype == np.uint8
    assert decoded.pixels.flags.c_contiguous and decoded.pixels.flags.writeable
    written = reopen(out)
    assert (written.format, written.size) == (fmt, (37, 23))


def test_output_follows_the_pixels_size() -> None:
    decoded = decode(save(Image.fromarray(photo(40, 30)), "PNG"), MAX_PIXELS)
    smaller = np.ascontiguousarray(decoded.pixels[:10, :20])
    assert reopen(encode(smaller, decoded)).size == (20, 10)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "BMP", "GIF"])
def test_grey_stays_grey(fmt: str) -> None:
    grey = Image.fromarray(photo(32, 24)).convert("L")
    decoded, out = roundtrip(save(grey, fmt))
    assert decoded.grey
    assert decoded.mode in ("L", "P")
    written = reopen(out)
    if fmt == "GIF":
        rgb = np.asarray(written.convert("RGB")).astype(int)
        assert np.array_equal(rgb[:, :, 0], rgb[:, :, 1])
    else:
        assert written.mode == "L"
    expected = decoded.pixels[:, :, 0].astype(int)
    tolerance = 8 if fmt == "JPEG" else 0
    assert np.abs(np.asarray(written.convert("L")).astype(int) - expected).max() <= tolerance


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    values = np.array([[0, 257 * 128, 65535]], dtype=np.uint16)
    decoded, out = roundtrip(save(Image.fromarray(values), "PNG"))
    assert decoded.mode.startswith("I")
    assert decoded.pixels[0, :, 0].tolist() == [0, 128, 255]
    assert reopen(out).mode == "L"


def test_cmyk_jpeg_is_written_as_rgb_jpeg() -> None:
    cmyk = Image.fromarray(photo()).convert("CMYK")
    decoded, out = roundtrip(save(cmyk, "JPEG", quality=92))
    assert decoded.mode == "CMYK"
    written = reopen(out)
    assert (written.format, written.mode, written.size) == ("JPEG", "RGB", (96, 64))
    assert_clean(out, "JPEG")  # no Adobe APP14 either


def alpha_image() -> Image.Image:
    rgba = np.zeros((24, 32, 4), dtype=np.uint8)
    rgba[:, :, :3] = photo(32, 24)
    rgba[:, :, 3] = np.linspace(0, 255, 32, dtype=np.uint8)[None, :]
    rgba[:6, :, 3] = 0
    return Image.fromarray(rgba)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_alpha_survives(fmt: str) -> None:
    source = alpha_image()
    options: dict[str, object] = {"lossless": True} if fmt == "WEBP" else {}
    decoded, out = roundtrip(save(source, fmt, **options))
    assert decoded.alpha is not None and decoded.alpha.shape == (24, 32)
    written = reopen(out)
    assert written.mode == "RGBA"
    assert np.array_equal(np.asarray(written)[:, :, 3], np.asarray(source)[:, :, 3])


def test_grey_alpha_png_stays_grey_with_alpha() -> None:
    source = alpha_image().convert("LA")
    decoded, out = roundtrip(save(source, "PNG"))
    assert decoded.grey and decoded.alpha is not None
    written = reopen(out)
    assert written.mode == "LA"
    assert np.array_equal(np.asarray(written), np.asarray(source))


def test_palette_transparency_becomes_alpha() -> None:
    palette = Image.fromarray(photo(32, 24)).quantize(16)
    indices = np.array(palette)
    indices[:8] = 15
    palette = Image.fromarray(indices, mode="P")
    palette.putpalette(Image.fromarray(photo(32, 24)).quantize(16).getpalette() or [])
    for fmt in ("PNG", "GIF"):
        decoded, out = roundtrip(save(palette, fmt, transparency=15))
        assert decoded.mode == "P"
        assert decoded.alpha is not None
        assert np.array_equal(decoded.alpha == 0, indices == 15)
        written = np.asarray(reopen(out).convert("RGBA"))
        assert np.array_equal(written[:, :, 3] == 0, indices == 15), fmt


@pytest.mark.parametrize(("fmt", "mode"), [("BMP", "RGB"), ("JPEG", "RGB")])
def test_formats_without_alpha_drop_it(fmt: str, mode: str) -> None:
    decoded = decode(save(alpha_image(), "PNG"), MAX_PIXELS)
    written = reopen(encode(decoded.pixels, dataclasses.replace(decoded, format=fmt)))
    assert (written.format, written.mode) == (fmt, mode)


# ---------------------------------------------------------------------------- JPEG quality


def test_jpeg_keeps_tables_subsampling_and_quality() -> None:
    pixels = photo(256, 192, seed=3)
    source = save(Image.fromarray(pixels), "JPEG", quality=88, subsampling="4:2:0")
    decoded, out = roundtrip(source)
    assert decoded.jpeg is not None and decoded.jpeg.qtables is not None
    assert decoded.jpeg.subsampling == 2 and not decoded.jpeg.progressive
    written = reopen(out)
    assert isinstance(written, JpegPlugin)
    assert JpegImagePlugin.get_sampling(written) == 2
    with Image.open(io.BytesIO(source)) as original:
        assert isinstance(original, JpegPlugin)
        assert written.quantization == original.quantization
    assert psnr(np.asarray(written), decoded.pixels) > 35
    assert 0.7 < len(out) / len(source) < 1.4


JpegPlugin = JpegImagePlugin.JpegImageFile


def test_progressive_and_444_are_kept() -> None:
    source = save(Image.fromarray(photo(64, 48)), "JPEG", quality=80, subsampling="4:4:4",
                  progressive=True)
    decoded, out = roundtrip(source)
    assert decoded.jpeg is not None
    assert decoded.jpeg.progressive and decoded.jpeg.subsampling == 0
    written = reopen(out)
    assert written.info.get("progressive") and JpegImagePlugin.get_sampling(written) == 0
    assert_clean(out, "JPEG")


def test_jpeg_without_tables_falls_back_to_quality_95() -> None:
    decoded = decode(save(Image.fromarray(photo()), "PNG"), MAX_PIXELS)
    as_jpeg = dataclasses.replace(decoded, format="JPEG", jpeg=None)
    out = encode(decoded.pixels, as_jpeg)
    assert psnr(np.asarray(reopen(out)), decoded.pixels) > 35
    assert_clean(out, "JPEG")


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_lossless_or_lossy_is_kept(lossless: bool) -> None:
    source = save(Image.fromarray(photo()), "WEBP", lossless=lossless, quality=90)
    decoded, out = roundtrip(source)
    assert decoded.webp_lossless is lossless
    kinds = {kind for kind, _ in webp_chunks(out)}
    assert (b"VP8L" in kinds) is lossless
    if lossless:
        assert np.array_equal(np.asarray(reopen(out).convert("RGB")), decoded.pixels)


# ---------------------------------------------------------------------------- frames


def test_animated_gif_decodes_the_first_frame_and_counts_them() -> None:
    frames = [Image.fromarray(np.full((16, 20, 3), v, dtype=np.uint8)).quantize(4)
              for v in (10, 120, 240)]
    data = save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50,
                loop=0)
    decoded, out = roundtrip(data)
    assert decoded.frames == 3
    assert int(decoded.pixels.mean()) == 10
    with Image.open(io.BytesIO(out)) as written:
        assert getattr(written, "n_frames", 1) == 1


def test_multipage_tiff_and_animated_webp_count_frames() -> None:
    pages = [Image.fromarray(np.full((16, 20, 3), v, dtype=np.uint8)) for v in (30, 200)]
    tiff = decode(save(pages[0], "TIFF", save_all=True, append_images=pages[1:]), MAX_PIXELS)
    webp = decode(save(pages[0], "WEBP", save_all=True, append_images=pages[1:],
                       lossless=True), MAX_PIXELS)
    for decoded in (tiff, webp):
        assert decoded.frames == 2
        assert int(decoded.pixels.mean()) == 30
    assert webp.webp_lossless is True


def test_mpo_is_a_jpeg_with_more_than_one_frame() -> None:
    first = Image.fromarray(photo(48, 32))
    data = save(first, "MPO", save_all=True, append_images=[first.resize((24, 16))])
    decoded, out = roundtrip(data)
    assert (decoded.format, decoded.frames) == ("JPEG", 2)
    assert reopen(out).format == "JPEG"
    assert_clean(out, "JPEG")


# ---------------------------------------------------------------------------- refusals


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares the given size and holds a few bytes of pixel data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_too_many_pixels_is_refused_from_the_header() -> None:
    with pytest.raises(ImageDecodeError, match=r"10000x10000 exceeds .* before decoding"):
        decode(png_header(10_000, 10_000), 50_000_000)


def test_huge_header_beyond_pillows_own_guard_is_refused() -> None:
    with pytest.raises(ImageDecodeError, match="pixels"):
        decode(png_header(60_000, 60_000), 10**10)


def test_max_pixels_smaller_than_a_real_image() -> None:
    data = save(Image.fromarray(photo(40, 30)), "JPEG")
    assert decode(data, 1200).pixels.shape == (30, 40, 3)
    with pytest.raises(ImageDecodeError, match="40x30 exceeds the limit of 1199"):
        decode(data, 1199)


@pytest.mark.parametrize("data", [
    b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 20,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
])
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(ImageDecodeError):
        decode(data, MAX_PIXELS)


def test_truncated_image_is_refused() -> None:
    data = save(Image.fromarray(photo(64, 64)), "PNG")
    with pytest.raises(ImageDecodeError, match="truncated"):
        decode(data[: len(data) // 2], MAX_PIXELS)


@pytest.mark.parametrize("fmt", ["ICO", "PCX", "TGA", "PPM"])
def test_other_formats_are_refused(fmt: str) -> None:
    with pytest.raises(ImageDecodeError, match="not a decodable"):
        decode(save(Image.fromarray(photo(16, 16)), fmt), MAX_PIXELS)


def test_decode_error_is_a_value_error_without_content() -> None:
    with pytest.raises(ValueError, match="not a decodable") as caught:
        decode(MARKER + b"\x00" * 40, MAX_PIXELS)
    assert MARKER.decode() not in str(caught.value)


def test_encode_checks_its_input() -> None:
    decoded = decode(save(alpha_image(), "PNG"), MAX_PIXELS)
    with pytest.raises(ValueError, match="uint8"):
        encode(decoded.pixels.astype(np.uint16), decoded)
    with pytest.raises(ValueError, match="alpha"):
        encode(np.ascontiguousarray(decoded.pixels[:4]), decoded)


# ---------------------------------------------------------------------------- property

MODES = ("L", "RGB", "RGBA", "P", "LA")
CAN_SAVE = {
    "JPEG": {"L", "RGB"}, "PNG": set(MODES), "WEBP": {"RGB", "RGBA"},
    "BMP": {"L", "RGB", "P"}, "TIFF": set(MODES), "GIF": {"L", "P"},
}
EXIF_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF"}


@st.composite
def sources(draw: st.DrawFn) -> tuple[bytes, str, tuple[int, int]]:
    fmt = draw(st.sampled_from(FORMATS))
    mode = draw(st.sampled_from(sorted(CAN_SAVE[fmt])))
    width, height = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    seed = draw(st.integers(0, 2**32 - 1))
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    image = Image.fromarray(pixels, mode="RGBA")
    image = image.convert("RGB").quantize(32) if mode == "P" else image.convert(mode)
    options: dict[str, object] = {}
    if fmt in EXIF_FORMATS:
        options["exif"] = planted_exif(draw(st.sampled_from([None, 1, 3, 6, 8]))).tobytes()
    if fmt in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = ICC
    if fmt in ("JPEG", "WEBP"):
        options["xmp"] = XMP
    return save(image, fmt, **options), fmt, (width, height)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_roundtrip_keeps_format_and_size_and_carries_no_metadata(
        source: tuple[bytes, str, tuple[int, int]]) -> None:
    data, fmt, (width, height) = source
    decoded, out = roundtrip(data)
    assert decoded.format == fmt
    assert decoded.pixels.flags.c_contiguous and decoded.pixels.flags.writeable
    assert decoded.alpha is None or (decoded.alpha.flags.c_contiguous
                                     and decoded.alpha.shape == decoded.pixels.shape[:2])
    with Image.open(io.BytesIO(data)) as original:
        orientation = original.getexif().get(ExifTags.Base.Orientation, 1)
    turned = orientation in (5, 6, 7, 8)
    expected = (height, width) if turned else (width, height)
    written = reopen(out)
    assert (written.format, written.size) == (fmt, expected)
    assert_clean(out, fmt)
