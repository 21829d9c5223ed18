"""The second face detector, MediaPipe's full-range BlazeFace converted to ONNX: its graph
takes any batch and size (a multiple of 32) with one anchor per 4 x 4 px cell, it finds the
astronaut's face where CenterFace boxes it, at several sizes, mirrored and in LFW mosaics,
finds no face in photos without people, and a contract choosing it redacts the face.

That the ONNX graph computes what the TFLite original computes is checked when the file is
made (`derive_blazeface.py --check`, with the TFLite interpreter, which is no dependency)."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from anonymize.image.blazeface import MODEL, BlazeFace
from anonymize.image.models.derive_blazeface import INPUT, OUTPUTS
from anonymize.image.regions import Pixels
from tests.anonymize.image.pictures import sample
from tests.anonymize.image.test_faces import (
    ASTRONAUT_FACE,
    best_iou,
    lfw,
    matched,
    mosaic,
    resized,
    scaled,
)


@pytest.fixture(scope="module")
def blaze() -> BlazeFace:
    return BlazeFace.load()


@pytest.fixture(scope="module")
def astronaut() -> Pixels:
    return sample("astronaut")


@pytest.mark.parametrize(("batch", "height", "width"), [(1, 192, 192), (2, 96, 320),
                                                        (1, 544, 800)])
def test_its_input_takes_any_batch_and_size(batch: int, height: int, width: int) -> None:
    session = ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])
    blob = np.random.default_rng(0).uniform(-1, 1, (batch, 3, height, width))
    boxes, logits = session.run(list(OUTPUTS), {INPUT: blob.astype(np.float32)})
    anchors = (height // 4) * (width // 4)
    assert np.asarray(boxes).shape == (batch, anchors, 16)
    assert np.asarray(logits).shape == (batch, anchors, 1)


@pytest.mark.parametrize("size", [512, 256, 128])
def test_the_astronauts_face_is_found_at_several_sizes(blaze: BlazeFace, astronaut: Pixels,
                                                        size: int) -> None:
    picture = astronaut if size == 512 else resized(astronaut, size, size)
    faces = blaze.find(picture)
    assert len(faces) == 1
    assert best_iou(scaled(ASTRONAUT_FACE, size / 512), faces) >= 0.4  # square boxes


def test_the_face_is_found_mirrored(blaze: BlazeFace, astronaut: Pixels) -> None:
    mirrored = np.ascontiguousarray(astronaut[:, ::-1])
    expected = scaled(ASTRONAUT_FACE, 1.0)
    expected = type(expected)(expected.kind, 512 - expected.x - expected.w, expected.y,
                              expected.w, expected.h)
    assert best_iou(expected, blaze.find(mirrored)) >= 0.4


def test_most_lfw_faces_of_a_mosaic_are_found(blaze: BlazeFace) -> None:
    """LFW's 25 px crops at 40 to 48 px: BlazeFace finds fewer than CenterFace (all 100)."""
    canvas, boxes = mosaic(lfw()[:100], [40, 44, 48], columns=10, gap=24)
    hits, strays = matched(boxes, blaze.find(canvas))
    assert hits >= 70
    assert strays <= 2


@pytest.mark.parametrize("name", ["coffee", "chelsea"])
def test_photos_without_people_have_no_faces(blaze: BlazeFace, name: str) -> None:
    assert blaze.find(sample(name)) == []


@pytest.mark.parametrize("shape", [(1, 1), (31, 33), (40, 2000), (2100, 1700)])
def test_tiny_thin_and_large_images_do_not_crash(blaze: BlazeFace,
                                                 shape: tuple[int, int]) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    for faces in (blaze.find(pixels), blaze.find_confident(pixels)):
        assert all(np.isfinite([f.x, f.y, f.w, f.h]).all() for f in faces)
