"""The seekable adapter behaves like a file over bytes, reading its source only forward."""

from __future__ import annotations

import io
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.unpack.seekable import SeekableSource
from tests.intake.unpack.support import Source

DATA = random.Random(7).randbytes(10_000)

operations = st.lists(st.tuples(
    st.integers(min_value=0, max_value=len(DATA) + 50),
    st.sampled_from([os.SEEK_SET, os.SEEK_CUR, os.SEEK_END]),
    st.integers(min_value=-1, max_value=3000)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(operations, st.integers(min_value=0, max_value=len(DATA) + 10))
def test_reads_like_bytesio(ops: list[tuple[int, int, int]], tail_bytes: int) -> None:
    expected = io.BytesIO(DATA)
    with SeekableSource(Source(DATA), len(DATA), tail_bytes=tail_bytes) as actual:
        for position, whence, size in ops:
            offset = position if whence == os.SEEK_SET else position - len(DATA) // 2
            base = {os.SEEK_SET: 0, os.SEEK_CUR: expected.tell(), os.SEEK_END: len(DATA)}[whence]
            if base + offset < 0:  # like a file, unlike BytesIO (which clamps to 0)
                with pytest.raises(OSError, match="before the start"):
                    actual.seek(offset, whence)
                continue
            assert actual.seek(offset, whence) == expected.seek(base + offset)
            assert actual.read(size) == expected.read(size)
            assert actual.tell() == expected.tell()


def test_forward_reads_use_one_pass_and_the_tail_is_kept() -> None:
    source = Source(DATA)
    with SeekableSource(source, len(DATA), tail_bytes=1000) as actual:
        actual.seek(len(DATA) - 22)
        assert actual.read() == DATA[-22:]
        actual.seek(len(DATA) - 1000)
        assert actual.read(500) == DATA[-1000:-500]
        assert len(source.streams) == 1  # the tail came from memory
        actual.seek(0)
        assert actual.read(100) == DATA[:100]
        actual.seek(5000)
        assert actual.read(100) == DATA[5000:5100]
        assert len(source.streams) == 2  # back to the start once, then forward
    assert source.all_closed


def test_a_source_shorter_than_its_size_reads_as_ending_early() -> None:
    with SeekableSource(Source(DATA[:100]), len(DATA), tail_bytes=10) as actual:
        assert actual.read(200) == DATA[:100]
        actual.seek(len(DATA) - 5)
        assert actual.read() == b""


def test_bad_whence() -> None:
    actual = SeekableSource(Source(DATA), len(DATA))
    with pytest.raises(ValueError, match="whence"):
        actual.seek(0, 7)


def test_the_test_source_cannot_seek() -> None:
    """Every unpacking test reads through this source, so none of them seeks the raw stream."""
    with Source(DATA)() as stream:
        assert not stream.seekable()
        with pytest.raises(io.UnsupportedOperation):
            stream.seek(0)
