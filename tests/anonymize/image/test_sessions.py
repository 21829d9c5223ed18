"""A network's memory arena is kept between small calls and given back after large ones:
what it computes is what it computes with the arena off, call after call on inputs of
different sizes."""

from __future__ import annotations

import cv2
import numpy as np
import psutil

from anonymize.image.faces import MODEL
from anonymize.image.sessions import KEEP_BELOW, Arena, Network
from anonymize.image.text_regions import DET_MODEL
from tests.anonymize.image.pictures import sample


def test_a_bounded_arena_computes_what_no_arena_computes() -> None:
    pixels = sample("astronaut")
    for model in (MODEL, DET_MODEL):
        bounded = Network.load(model, 1)
        off = Network.load(model, 1, arena="off")
        # Above KEEP_BELOW (given back), then below it (kept), then in between.
        for width, height in ((1472, 864), (96, 160), (352, 480), (512, 512)):
            blob = cv2.dnn.blobFromImage(pixels, 1 / 127.5, (width, height), (127.5,) * 3)
            feeds = {bounded.input_name: blob}
            for want, got in zip(off.run(None, feeds), bounded.run(None, feeds), strict=True):
                assert got.shape == want.shape
                np.testing.assert_array_equal(got, want)


def test_a_bounded_arena_gives_back_what_a_large_call_took() -> None:
    """After a 1536 x 1536 call (above KEEP_BELOW), a kept arena holds its buffers (hundreds
    of MB for the text detector); a bounded one gives them back."""
    process = psutil.Process()
    blob = np.zeros((1, 3, 1536, 1536), np.float32)
    assert blob.size > KEEP_BELOW

    def held(arena: Arena) -> int:
        network = Network.load(DET_MODEL, 1, arena=arena)
        before = process.memory_info().rss
        network.run(None, {network.input_name: blob})
        return int(process.memory_info().rss - before)

    kept = held("kept")
    assert kept > 100 * 2**20
    assert held("bounded") < kept / 4
