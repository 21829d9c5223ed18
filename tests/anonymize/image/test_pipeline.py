"""The image pipeline end to end with the real models, as the service assembles it
(`airlock.image_models.ImageModels.redactor`): a photo's face and a page's print are destroyed,
the rest of the picture and its format are kept, metadata is gone, the residual check
flags or redoes what is left, and what cannot be redacted safely is refused.

Photos are scikit-image's bundled samples (no network); detail is measured as in
test_painting.py: the correlation of the high-pass images (grey minus a sigma-1.5 Gaussian)
before and after, below 0.3 when nothing is left to read."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from PIL import ExifTags, Image

from airlock.image_models import ImageModels
from airlock.pii_engine import PiiEngineLoader
from anonymize.image.codec import decode
from anonymize.image.painting import FILL_COLOUR, enclosing
from anonymize.image.pipeline import (
    ImageRedactor,
    ImageRejected,
    Models,
    RedactedImage,
    _inside,
)
from anonymize.image.plan import ImagePlan
from anonymize.image.regions import Pixels, Region, RegionKind
from anonymize.image.text_regions import TextFinder, TextLine
from tests.anonymize.image.detail import correlation, high_pass
from tests.anonymize.image.pictures import sample
from tests.anonymize.image.test_faces import lfw, matched, mosaic
from vocabulary import FaceModel, FaceShape, RedactionMethod, ResidualHandling, TextScope

MAX_PIXELS = 20_000_000
MARKER = b"AIRLOCK-CANARY-5d21"
XMP_NAMESPACE = b"adobe:ns:meta"
XMP = (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="' + MARKER + b'"/>'
       b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
NO_TEXT = ImagePlan(text=TextScope.NONE)


@pytest.fixture(scope="module", autouse=True)
def _cv2_threads() -> Iterator[None]:
    """Loading the shared models sets OpenCV to one thread for the whole process: put it
    back for the test modules that follow."""
    threads = cv2.getNumThreads()
    yield
    cv2.setNumThreads(threads)


# ---------------------------------------------------------------------------- building


def planted_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanaryCam"
    exif[ExifTags.Base.ImageDescription] = "description " + MARKER.decode()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    return exif


def jpeg(pixels: Pixels, orientation: int | None = None) -> bytes:
    """A JPEG carrying EXIF (with GPS), an XMP packet and a COM comment, all with MARKER."""
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90,
                                 exif=planted_exif(orientation).tobytes(), xmp=XMP,
                                 comment=b"comment " + MARKER)
    return out.getvalue()


def png(pixels: Pixels) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixels_of(data: bytes) -> Pixels:
    return np.asarray(opened(data).convert("RGB"), dtype=np.uint8)


def detail_left(before: Pixels, after: Pixels, box: tuple[int, int, int, int]) -> float:
    """High-pass correlation of `before` and `after` inside box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    return correlation(high_pass(before)[y0:y1, x0:x1], high_pass(after)[y0:y1, x0:x1])


def outside(boxes: list[tuple[int, int, int, int]], width: int, height: int,
            pad: int = 0) -> npt.NDArray[np.bool_]:
    mask = np.ones((height, width), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        mask[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = False
    return mask


MODELS = ImageModels(PiiEngineLoader())
"""Loaded once for the module, as an instance loads them once for its process."""


def redactor(plan: ImagePlan, max_pixels: int = MAX_PIXELS) -> ImageRedactor:
    return MODELS.redactor(plan, max_pixels)


def core_faces(pixels: Pixels) -> list[Region]:
    """The detector's boxes (the face core, no margin), from the pipeline's own finder."""
    return MODELS.models(NO_TEXT).faces.find(pixels)


@pytest.fixture(scope="module")
def astronaut() -> Pixels:
    return sample("astronaut")


@pytest.fixture(scope="module")
def astronaut_jpeg(astronaut: Pixels) -> bytes:
    return jpeg(astronaut)


@pytest.fixture(scope="module")
def redacted_jpeg(astronaut_jpeg: bytes) -> RedactedImage:
    return redactor(ImagePlan()).redact(astronaut_jpeg)


# ---------------------------------------------------------------------------- faces


def test_a_jpeg_keeps_its_format_and_size_and_loses_its_metadata(
        astronaut_jpeg: bytes, redacted_jpeg: RedactedImage) -> None:
    assert astronaut_jpeg.count(MARKER) >= 3 and b"Exif" in astronaut_jpeg
    assert XMP_NAMESPACE in astronaut_jpeg
    image = opened(redacted_jpeg.data)
    assert image.format == "JPEG"
    assert image.size == (512, 512) == (redacted_jpeg.width, redacted_jpeg.height)
    assert MARKER not in redacted_jpeg.data
    assert b"Exif" not in redacted_jpeg.data
    assert XMP_NAMESPACE not in redacted_jpeg.data
    assert b"http://ns.adobe.com/xap" not in redacted_jpeg.data
    assert not image.getexif()
    assert "comment" not in image.info


def test_the_astronauts_face_is_redacted_and_nothing_is_flagged(
        astronaut_jpeg: bytes, redacted_jpeg: RedactedImage) -> None:
    assert redacted_jpeg.faces == 1
    assert redacted_jpeg.text == 0
    assert redacted_jpeg.passes == 1
    assert not redacted_jpeg.flagged
    assert redacted_jpeg.residual_faces == redacted_jpeg.residual_text == 0
    before = decode(astronaut_jpeg, MAX_PIXELS).pixels
    after = pixels_of(redacted_jpeg.data)
    (face,) = core_faces(before)
    assert detail_left(before, after, face.clip(512, 512)) < 0.3


def test_outside_the_painted_area_the_photo_is_unchanged(
        astronaut_jpeg: bytes, redacted_jpeg: RedactedImage) -> None:
    """Within a JPEG re-encode with the source's tables (measured: mean 0.3, at most 20
    levels on a few pixels next to block edges); 16 px beyond the box for the 8 x 8
    blocks and the chroma subsampling."""
    before = decode(astronaut_jpeg, MAX_PIXELS).pixels
    after = pixels_of(redacted_jpeg.data)
    painted = redactor(ImagePlan()).detect(astronaut_jpeg)
    boxes = [enclosing(r, ImagePlan().face_shape) for r in painted.faces] + painted.text
    keep = outside([r.clip(512, 512) for r in boxes], 512, 512, pad=16)
    difference = np.abs(after.astype(np.int16) - before.astype(np.int16))[keep]
    assert keep.mean() > 0.7
    assert float(difference.mean()) < 1.5
    assert float(np.percentile(difference, 99.9)) <= 10


def test_detect_gives_the_face_with_its_margin(astronaut_jpeg: bytes) -> None:
    plan = ImagePlan()
    detections = redactor(plan).detect(astronaut_jpeg)
    assert (detections.width, detections.height) == (512, 512)
    assert detections.text == []
    (face,) = detections.faces
    (core,) = core_faces(decode(astronaut_jpeg, MAX_PIXELS).pixels)
    assert face == core.expanded(plan.face_margin)
    assert face.x < core.x and face.y < core.y
    assert face.x + face.w > core.x + core.w and face.y + face.h > core.y + core.h


def test_an_exif_rotated_photo_comes_out_upright_and_redacted(astronaut: Pixels) -> None:
    """Stored a quarter turn left with orientation 6 ("rotate 90 clockwise to show"): the
    output is the upright picture (400 x 512, no tag), its face redacted."""
    upright = np.ascontiguousarray(astronaut[:, :400])
    data = jpeg(np.ascontiguousarray(np.rot90(upright, 1)), orientation=6)
    assert opened(data).size == (512, 400)
    result = redactor(NO_TEXT).redact(data)
    image = opened(result.data)
    assert image.size == (400, 512) == (result.width, result.height)
    assert not image.getexif()
    assert result.faces == 1 and not result.flagged
    before = decode(data, MAX_PIXELS).pixels
    assert before.shape == (512, 400, 3)
    assert float(np.abs(before.astype(np.int16) - upright.astype(np.int16)).mean()) < 4
    (face,) = core_faces(before)
    assert 150 <= face.x <= 210 and 30 <= face.y <= 90  # where it is in the upright photo
    assert detail_left(before, pixels_of(result.data), face.clip(400, 512)) < 0.3


@pytest.mark.parametrize("shape", list(FaceShape))
@pytest.mark.parametrize("method", list(RedactionMethod))
def test_every_method_and_shape_work_end_to_end(astronaut: Pixels, method: RedactionMethod,
                                                 shape: FaceShape) -> None:
    """PNG in, PNG out: exact. Nothing is left inside the face, nor anywhere in the
    reported box (margin and corners included: the ellipse goes through the box's corners);
    outside what is painted (the box, or the ellipse's own box) not one pixel changes."""
    plan = ImagePlan(face_method=method, face_shape=shape, text=TextScope.NONE)
    data = png(astronaut)
    result = redactor(plan).redact(data)
    assert opened(result.data).format == "PNG"
    assert result.faces == 1 and result.passes == 1 and not result.flagged
    after = pixels_of(result.data)
    (core,) = core_faces(astronaut)
    (face,) = redactor(plan).detect(data).faces
    x0, y0, x1, y1 = face.clip(512, 512)
    keep = outside([enclosing(face, shape).clip(512, 512)], 512, 512)
    assert np.array_equal(after[keep], astronaut[keep])
    assert detail_left(astronaut, after, core.clip(512, 512)) < 0.3
    assert detail_left(astronaut, after, (x0, y0, x1, y1)) < 0.3
    if method is not RedactionMethod.BLUR:  # a blur may keep a pixel's value by chance
        assert (after[y0:y1, x0:x1] != astronaut[y0:y1, x0:x1]).any(axis=2).mean() > 0.99
    if method is RedactionMethod.FILL:
        assert (after[y0:y1, x0:x1] == FILL_COLOUR).all()


# ---------------------------------------------------------------------------- nothing to do


def test_with_nothing_to_find_a_png_comes_back_pixel_for_pixel(astronaut: Pixels) -> None:
    plan = ImagePlan(faces=False, text=TextScope.NONE)
    result = redactor(plan).redact(png(astronaut))
    assert (result.faces, result.text, result.passes, result.flagged) == (0, 0, 1, False)
    assert opened(result.data).format == "PNG"
    assert np.array_equal(pixels_of(result.data), astronaut)


def test_with_nothing_to_find_a_jpeg_is_only_re_encoded(astronaut_jpeg: bytes) -> None:
    plan = ImagePlan(faces=False, text=TextScope.NONE)
    result = redactor(plan).redact(astronaut_jpeg)
    assert (result.faces, result.text, result.flagged) == (0, 0, False)
    assert MARKER not in result.data
    before = decode(astronaut_jpeg, MAX_PIXELS).pixels
    difference = np.abs(pixels_of(result.data).astype(np.int16) - before.astype(np.int16))
    assert float(difference.mean()) < 1.0
    assert int(difference.max()) <= 24


def test_no_people_no_faces() -> None:
    coffee = sample("coffee")
    result = redactor(NO_TEXT).redact(png(coffee))
    assert result.faces == 0 and not result.flagged
    assert np.array_equal(pixels_of(result.data), coffee)


# ---------------------------------------------------------------------------- text


@pytest.fixture(scope="module")
def page() -> Pixels:
    """skimage's page(): a photographed book page, grey, 384 x 191."""
    return sample("page")


@pytest.fixture(scope="module")
def redacted_page(page: Pixels) -> tuple[RedactedImage, list[Region]]:
    data = png(page)
    engine = redactor(ImagePlan(text=TextScope.ALL))
    return engine.redact(data), engine.detect(data).text


def test_printed_text_is_found_and_its_detail_destroyed(
        page: Pixels, redacted_page: tuple[RedactedImage, list[Region]]) -> None:
    result, regions = redacted_page
    assert result.text == len(regions) > 0  # measured: 5 lines
    assert result.faces == 0
    after = pixels_of(result.data)
    for region in regions:
        assert region.kind is RegionKind.TEXT
        box = region.clip(384, 191)
        assert detail_left(page, after, box) < 0.3, box
    # The title line, whatever box it was given, is gone.
    assert detail_left(page, after, (10, 12, 290, 32)) < 0.3


def test_every_printed_line_of_the_page_is_redacted(
        page: Pixels, redacted_page: tuple[RedactedImage, list[Region]]) -> None:
    result, _ = redacted_page
    after = pixels_of(result.data)
    assert result.flagged or all(
        detail_left(page, after, box) < 0.3
        for box in [(190, 104, 378, 119),    # "... the two extreme parts of the"
                    (30, 166, 245, 186)])    # ">>> markers = np.zeros_like(coins)"


@pytest.fixture(scope="module")
def phone_and_greeting() -> tuple[Pixels, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """White 800 x 200, a phone number on one line and a greeting on the other; with each
    line's ink box (x0, y0, x1, y1)."""
    image = np.full((200, 800, 3), 255, dtype=np.uint8)
    boxes = []
    for text, baseline in (("CALL 13800138000", 75), ("HELLO WORLD", 165)):
        (w, h), below = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.6, 3)
        cv2.putText(image, text, (20, baseline), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3,
                    cv2.LINE_AA)
        boxes.append((20, baseline - h, 20 + w, baseline + below))
    return image, boxes[0], boxes[1]


@pytest.fixture(scope="module")
def personal() -> ImageRedactor:
    """The PERSONAL plan with the real PII engine (loaded here, once: a few seconds)."""
    assert MODELS.personal_texts(["HELLO WORLD", "CALL 13800138000"]) == [False, True]
    return redactor(ImagePlan(text=TextScope.PERSONAL))


def test_only_personal_text_is_redacted(
        personal: ImageRedactor,
        phone_and_greeting: tuple[Pixels, tuple[int, int, int, int],
                                  tuple[int, int, int, int]]) -> None:
    image, phone, greeting = phone_and_greeting
    result = personal.redact(png(image))
    assert (result.text, result.faces, result.flagged) == (1, 0, False)
    after = pixels_of(result.data)
    x0, y0, x1, y1 = phone
    assert detail_left(image, after, phone) < 0.3
    assert (after[y0:y1, x0:x1] != image[y0:y1, x0:x1]).any(axis=2).mean() > 0.3
    gx0, gy0, gx1, gy1 = greeting
    # The greeting and a margin around it are left bit for bit.
    assert np.array_equal(after[gy0 - 8:gy1 + 8, gx0 - 15:gx1 + 15],
                          image[gy0 - 8:gy1 + 8, gx0 - 15:gx1 + 15])


def test_personal_text_needs_the_reader_and_a_filter() -> None:
    models = MODELS.models(ImagePlan(plates=False))  # text ALL, no plates: no reader loaded
    assert models.reader is None
    with pytest.raises(ValueError, match="personal"):
        ImageRedactor(ImagePlan(text=TextScope.PERSONAL, plates=False), models, MAX_PIXELS,
                      None)
    with pytest.raises(ValueError, match="plates"):
        ImageRedactor(ImagePlan(), models, MAX_PIXELS, None)


# ---------------------------------------------------------------------------- residual


@pytest.mark.parametrize("method", [RedactionMethod.FILL, RedactionMethod.BLUR])
def test_a_face_left_visible_is_flagged_or_redone(astronaut: Pixels,
                                                  method: RedactionMethod) -> None:
    """A margin of -25 % paints only the middle of the face: the residual check still finds
    a face there. FLAG reports it after one pass; REDO paints its box and checks again."""
    data = png(astronaut)
    base = ImagePlan(face_margin=-0.25, face_shape=FaceShape.RECTANGLE, face_method=method,
                     text=TextScope.NONE)
    flagged = redactor(replace(base, residual=ResidualHandling.FLAG))
    redone = redactor(replace(base, residual=ResidualHandling.REDO))

    first = flagged.redact(data)
    assert first.faces == 1 and first.passes == 1
    assert first.residual_faces >= 1 and first.flagged

    second, pixels = redone.redact_keeping_pixels(data)
    assert second.faces == 1 and second.passes == 2
    assert second.residual_faces == 0 and not second.flagged
    assert np.array_equal(pixels_of(second.data), pixels)
    # The redo painted more than the first pass did.
    changed_once = (pixels_of(first.data) != astronaut).any(axis=2).sum()
    changed_twice = (pixels != astronaut).any(axis=2).sum()
    assert changed_twice > changed_once


def test_text_left_after_filling_is_flagged_or_redone(page: Pixels) -> None:
    """Filled over with a negative margin, each line keeps its ends and edges: the detector
    finds text on the output."""
    data = png(page)
    shrunk = ImagePlan(text_method=RedactionMethod.FILL, text_margin=-0.3)
    flag = redactor(replace(shrunk, residual=ResidualHandling.FLAG))
    redo = redactor(replace(shrunk, residual=ResidualHandling.REDO))
    first = flag.redact(data)
    assert first.passes == 1 and first.residual_text >= 1 and first.flagged
    second = redo.redact(data)
    assert second.passes == 2 and second.residual_text == 0 and not second.flagged
    assert second.text == first.text > 0


class CountingFinder(TextFinder):
    """The pipeline's text finder, recording each search."""

    def __init__(self, inner: TextFinder) -> None:
        super().__init__(inner._network, inner.settings)
        self.calls: list[str] = []

    def find(self, pixels: Pixels) -> list[TextLine]:
        self.calls.append("whole")
        return super().find(pixels)


def counting_redactor(plan: ImagePlan) -> tuple[ImageRedactor, CountingFinder]:
    models = MODELS.models(plan)
    assert models.text is not None
    finder = CountingFinder(models.text)
    return ImageRedactor(plan, Models(models.faces, finder, models.reader), MAX_PIXELS), finder


def test_blurred_faces_alone_are_not_searched_for_text_again(astronaut_jpeg: bytes) -> None:
    """Only faces painted: the output differs from the input only where they were, and
    blurring a face cannot make text; the text detector ran once, on the input."""
    engine, finder = counting_redactor(ImagePlan())
    result = engine.redact(astronaut_jpeg)
    assert result.faces >= 1 and result.text == result.plates == 0
    assert finder.calls == ["whole"]


def test_painted_text_is_searched_again(page: Pixels) -> None:
    """A page of print painted over is searched again, whole, and again after a redo."""
    shrunk = ImagePlan(text_method=RedactionMethod.FILL, text_margin=-0.3)
    engine, finder = counting_redactor(shrunk)
    result = engine.redact(png(page))
    assert result.text > 0 and result.passes == 2
    assert finder.calls == ["whole", "whole", "whole"]


# ---------------------------------------------------------------------------- refused


def test_a_non_image_is_refused() -> None:
    engine = redactor(NO_TEXT)
    for data in (b"not an image", b"", b"\xff\xd8\xff\xe0 truncated jpeg"):
        with pytest.raises(ImageRejected):
            engine.redact(data)
        with pytest.raises(ImageRejected):
            engine.detect(data)


def test_an_animated_gif_is_refused(astronaut: Pixels) -> None:
    frames = [Image.fromarray(astronaut), Image.fromarray(astronaut[::-1].copy())]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    assert getattr(opened(out.getvalue()), "n_frames", 1) == 2
    with pytest.raises(ImageRejected, match="2 frames"):
        redactor(NO_TEXT).redact(out.getvalue())


def test_a_multi_page_tiff_is_refused(astronaut: Pixels) -> None:
    out = io.BytesIO()
    Image.fromarray(astronaut).save(out, format="TIFF", save_all=True,
                                    append_images=[Image.fromarray(astronaut)])
    with pytest.raises(ImageRejected, match="frames"):
        redactor(NO_TEXT).redact(out.getvalue())


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height but holds a few bytes of pixel data: decoding it
    would fail as truncated, so refusing it by size proves nothing was decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"\x78\x9c\x00")


def test_an_image_above_the_pixel_limit_is_refused_before_decoding(astronaut: Pixels) -> None:
    with pytest.raises(ImageRejected, match="checked before decoding"):
        redactor(NO_TEXT, max_pixels=1_000_000).redact(png_header_only(5000, 4000))
    with pytest.raises(ImageRejected, match="checked before decoding"):
        redactor(NO_TEXT, max_pixels=1_000_000).detect(png_header_only(5000, 4000))
    # A real picture one pixel over the limit, and at the limit.
    data = png(astronaut)
    with pytest.raises(ImageRejected, match="exceeds the limit"):
        redactor(NO_TEXT, max_pixels=512 * 512 - 1).redact(data)
    assert redactor(NO_TEXT, max_pixels=512 * 512).redact(data).faces == 1


def test_what_the_detector_sees_on_a_fill_is_not_a_residual() -> None:
    """After the redo, a text box mostly on a solid fill is the fill's own edge."""
    fill = [Region(RegionKind.TEXT, 100, 100, 200, 100)]
    assert _inside(Region(RegionKind.TEXT, 80, 80, 240, 140), fill, 1000, 1000)
    assert not _inside(Region(RegionKind.TEXT, 250, 100, 300, 100), fill, 1000, 1000)
    assert not _inside(Region(RegionKind.TEXT, 500, 500, 50, 20), fill, 1000, 1000)


def test_a_plan_choosing_blazeface_redacts_the_face_with_it(astronaut: Pixels) -> None:
    """For deployments that cannot use WIDER-FACE-derived weights: the other detector finds
    and paints the face, and the residual check uses it too."""
    plan = ImagePlan(face_model=FaceModel.BLAZEFACE, text=TextScope.NONE)
    data = png(astronaut)
    result = redactor(plan).redact(data)
    assert result.faces == 1 and not result.flagged
    (face,) = redactor(plan).detect(data).faces
    (core,) = core_faces(astronaut)
    assert detail_left(astronaut, pixels_of(result.data), core.clip(512, 512)) < 0.3
    assert detail_left(astronaut, pixels_of(result.data), face.clip(512, 512)) < 0.3


@pytest.mark.parametrize("shape", list(FaceShape))
@pytest.mark.parametrize("method", list(RedactionMethod))
def test_every_detected_small_face_loses_its_detail(method: RedactionMethod,
                                                    shape: FaceShape) -> None:
    """A crowd of small faces (LFW crops at 20 to 32 px) in a JPEG: inside every box
    `detect` reports, margin and corners included, no detail is left in the re-encoded
    output (high-pass correlation below 0.3, as an outsider measures it)."""
    canvas, boxes = mosaic(lfw()[:40], [20, 24, 28, 32], columns=8, gap=20)
    data = jpeg(canvas)
    plan = ImagePlan(face_method=method, face_shape=shape, text=TextScope.NONE)
    found = redactor(plan).detect(data).faces
    before = decode(data, MAX_PIXELS).pixels
    after = pixels_of(redactor(plan).redact(data).data)
    height, width = before.shape[:2]
    hits, _ = matched(boxes, found)
    assert hits >= 36
    for box in found:
        assert detail_left(before, after, box.clip(width, height)) < 0.3, box
