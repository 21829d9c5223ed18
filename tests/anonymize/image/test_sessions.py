"""The image models' runtimes. On OpenVINO the text models compute what ONNX Runtime
computes, item threads calling at once get what they would get alone, and memory does not
grow call after call. On ONNX Runtime the face models' arena is kept between small calls
and given back after large ones, computing what they compute with the arena off."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import psutil
import pytest

from anonymize.image.faces import MODEL
from anonymize.image.sessions import KEEP_BELOW, OpenVinoNetwork, OrtNetwork
from anonymize.image.text_reader import REC_MODEL
from anonymize.image.text_regions import DET_MODEL
from tests.anonymize.image.pictures import sample

SIZES = ((1472, 864), (96, 160), (352, 480), (512, 512))
"""Above KEEP_BELOW, then below it, then in between."""


def blob(width: int, height: int) -> npt.NDArray[np.float32]:
    made = cv2.dnn.blobFromImage(sample("astronaut"), 1 / 127.5, (width, height), (127.5,) * 3)
    return np.asarray(made, np.float32)


@pytest.mark.parametrize(("model", "sizes"), [(DET_MODEL, SIZES),
                                          (REC_MODEL, ((320, 48), (1200, 48), (96, 48)))],
                         ids=["text detector", "text reader"])
def test_openvino_computes_what_onnx_runtime_computes(
        model: Path, sizes: tuple[tuple[int, int], ...]) -> None:
    ours, theirs = OpenVinoNetwork.load(model, 1), OrtNetwork.load(model, "off")
    for width, height in sizes:
        feeds = {ours.input_name: blob(width, height)}
        for want, got in zip(theirs.run(None, feeds), ours.run(None, feeds), strict=True):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, atol=2e-4, rtol=1e-3)


def test_threads_calling_at_once_get_what_each_gets_alone() -> None:
    network = OpenVinoNetwork.load(DET_MODEL, 2)
    inputs = [blob(width, height) for width, height in SIZES * 2]
    alone = [network.run(None, {network.input_name: x})[0] for x in inputs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda x: network.run(None, {network.input_name: x})[0],
                                 inputs))
    for want, got in zip(alone, together, strict=True):
        np.testing.assert_array_equal(got, want)


def test_openvino_memory_does_not_grow_call_after_call() -> None:
    """Each thread's request keeps its buffers and reuses them: after one call of each size,
    calling again at every size takes no more memory."""
    process = psutil.Process()
    network = OpenVinoNetwork.load(DET_MODEL, 1)
    inputs = [{network.input_name: blob(width, height)} for width, height in SIZES]
    for feeds in inputs:
        network.run(None, feeds)
    before = process.memory_info().rss
    for _ in range(3):
        for feeds in inputs:
            network.run(None, feeds)
    assert process.memory_info().rss - before < 16 * 2**20


def test_a_bounded_arena_computes_what_no_arena_computes() -> None:
    bounded, off = OrtNetwork.load(MODEL), OrtNetwork.load(MODEL, "off")
    for width, height in SIZES:
        feeds = {bounded.input_name: blob(width, height)}
        for want, got in zip(off.run(None, feeds), bounded.run(None, feeds), strict=True):
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def test_a_bounded_arena_gives_back_what_a_large_call_took() -> None:
    """After a 1536 x 1536 call (above KEEP_BELOW), CenterFace's arena kept whole held 378
    MB here; bounded, it gives back all but its first chunk (about 80 MB)."""
    process = psutil.Process()
    large = np.zeros((1, 3, 1536, 1536), np.float32)
    assert large.size > KEEP_BELOW
    network = OrtNetwork.load(MODEL)
    before = process.memory_info().rss
    network.run(None, {network.input_name: large})
    assert process.memory_info().rss - before < 128 * 2**20
