"""Properties of the streaming ciphertext format: round trips and every kind of tampering."""

import hashlib
import io
import os
from typing import BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tink.streaming_aead import streaming_aead_key_templates as templates

from vault import DataKey, IntegrityError, associated_data, decrypt_stream, encrypt_stream
from vault.streaming import DEFAULT_CHUNK_SIZE, read_chunks

SEGMENT_1MB = 1024 * 1024
SEGMENT_4KB = 4096
HEADER = 40  # header-length byte + 32-byte salt + 7-byte nonce prefix
TAG = 16
AD = associated_data("dataset-1", "raw")

# The 4 KB template has the same format with small segments, so tampering is cheap to cover.
SMALL_KEY = DataKey.generate(templates.AES256_GCM_HKDF_4KB)
DEFAULT_KEY = DataKey.generate()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def encrypt(key: DataKey, plaintext: bytes, ad: bytes = AD, chunk_size: int = 1 << 20) -> bytes:
    destination = io.BytesIO()
    encrypt_stream(key, io.BytesIO(plaintext), destination, ad, chunk_size)
    return destination.getvalue()


def decrypt(key: DataKey, ciphertext: bytes, ad: bytes = AD, read_size: int = 1000) -> bytes:
    with decrypt_stream(key, io.BytesIO(ciphertext), ad) as plaintext:
        return b"".join(iter(lambda: plaintext.read(read_size), b""))


def boundary_sizes(segment: int) -> list[int]:
    """Sizes around the (shorter) first segment and around whole segments."""
    first = segment - HEADER - TAG
    following = segment - TAG
    around = [first, first + following, segment, 2 * segment]
    return sorted({0, 1} | {size + delta for size in around for delta in (-1, 0, 1)})


@pytest.mark.parametrize("size", boundary_sizes(SEGMENT_1MB))
def test_round_trip_default_template_at_segment_boundaries(size: int) -> None:
    plaintext = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    destination = io.BytesIO()
    written = encrypt_stream(DEFAULT_KEY, io.BytesIO(plaintext), destination, AD)
    assert written.plaintext_size == size
    assert written.plaintext_sha256 == hashlib.sha256(plaintext).hexdigest()
    assert written.ciphertext_size == len(destination.getvalue())
    assert decrypt(DEFAULT_KEY, destination.getvalue(), read_size=300_000) == plaintext


@pytest.mark.parametrize("size", boundary_sizes(SEGMENT_4KB))
def test_round_trip_small_template_at_segment_boundaries(size: int) -> None:
    plaintext = bytes(i % 251 for i in range(size))
    assert decrypt(SMALL_KEY, encrypt(SMALL_KEY, plaintext)) == plaintext


@FAST
@given(
    plaintext=st.binary(max_size=20_000),
    chunk_size=st.integers(1, 9000),
    read_size=st.integers(1, 9000),
)
def test_round_trip_any_data_chunking_and_read_size(
    plaintext: bytes, chunk_size: int, read_size: int
) -> None:
    ciphertext = encrypt(SMALL_KEY, plaintext, chunk_size=chunk_size)
    assert decrypt(SMALL_KEY, ciphertext, read_size=read_size) == plaintext


def test_read_is_bounded_by_requested_size() -> None:
    with decrypt_stream(SMALL_KEY, io.BytesIO(encrypt(SMALL_KEY, b"z" * 50_000)), AD) as reader:
        assert len(reader.read(10)) == 10
        assert len(reader.read(7000)) == 7000


def test_every_single_bit_flip_fails() -> None:
    ciphertext = encrypt(SMALL_KEY, b"a small object of one segment" * 3)
    for position in range(len(ciphertext) * 8):
        tampered = bytearray(ciphertext)
        tampered[position // 8] ^= 1 << (position % 8)
        with pytest.raises(IntegrityError):
            decrypt(SMALL_KEY, bytes(tampered))


MULTI_SEGMENT = bytes(i % 253 for i in range(3 * SEGMENT_4KB + 500))
MULTI_CIPHERTEXT = encrypt(SMALL_KEY, MULTI_SEGMENT)


@FAST
@given(position=st.integers(0, len(MULTI_CIPHERTEXT) * 8 - 1))
def test_bit_flip_anywhere_in_multi_segment_ciphertext_fails(position: int) -> None:
    tampered = bytearray(MULTI_CIPHERTEXT)
    tampered[position // 8] ^= 1 << (position % 8)
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, bytes(tampered))


@FAST
@given(length=st.integers(0, len(MULTI_CIPHERTEXT) - 1))
def test_truncation_at_any_point_fails(length: int) -> None:
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, MULTI_CIPHERTEXT[:length])


@pytest.mark.parametrize("segments", [1, 2, 3])
def test_truncation_at_segment_boundary_fails(segments: int) -> None:
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, MULTI_CIPHERTEXT[: segments * SEGMENT_4KB])


def test_truncation_is_detected_while_reading_after_good_segments() -> None:
    truncated = MULTI_CIPHERTEXT[: 2 * SEGMENT_4KB]
    with decrypt_stream(SMALL_KEY, io.BytesIO(truncated), AD) as reader:
        assert reader.read(100) == MULTI_SEGMENT[:100]
        with pytest.raises(IntegrityError):
            reader.read(10 * SEGMENT_4KB)


def test_appended_bytes_fail() -> None:
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, MULTI_CIPHERTEXT + b"\x00")


def test_segment_swap_fails() -> None:
    first, second = (MULTI_CIPHERTEXT[i * SEGMENT_4KB : (i + 1) * SEGMENT_4KB] for i in (1, 2))
    swapped = MULTI_CIPHERTEXT[:SEGMENT_4KB] + second + first + MULTI_CIPHERTEXT[3 * SEGMENT_4KB :]
    assert len(swapped) == len(MULTI_CIPHERTEXT)
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, swapped)


def test_object_swap_fails() -> None:
    ciphertext = encrypt(SMALL_KEY, b"labels", associated_data("dataset-1", "labels.csv"))
    with pytest.raises(IntegrityError):
        decrypt(SMALL_KEY, ciphertext, associated_data("dataset-1", "images.zip"))


def test_dataset_swap_fails() -> None:
    other_dataset_key = DataKey.generate(templates.AES256_GCM_HKDF_4KB)
    ciphertext = encrypt(SMALL_KEY, b"labels", associated_data("dataset-1", "raw"))
    with pytest.raises(IntegrityError):
        decrypt(other_dataset_key, ciphertext, associated_data("dataset-2", "raw"))
    with pytest.raises(IntegrityError):
        decrypt(other_dataset_key, ciphertext, associated_data("dataset-1", "raw"))


@given(a=st.text(max_size=8), b=st.text(max_size=8), c=st.text(max_size=8), d=st.text(max_size=8))
def test_associated_data_is_unambiguous(a: str, b: str, c: str, d: str) -> None:
    assert (associated_data(a, b) == associated_data(c, d)) == ((a, b) == (c, d))


class _FailingSource(io.RawIOBase):
    """Serves the first `good` bytes of a ciphertext, then fails like a broken connection."""

    def __init__(self, data: bytes, good: int) -> None:
        super().__init__()
        self._data = io.BytesIO(data)
        self._good = good

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        if self._data.tell() >= self._good:
            raise ConnectionResetError("connection reset")
        return self._data.read(min(size, self._good - self._data.tell()))


class _FailingDestination(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: object, /) -> int:
        raise OSError(28, "No space left on device")


def test_storage_failure_while_reading_is_not_reported_as_tampering() -> None:
    source: BinaryIO = _FailingSource(MULTI_CIPHERTEXT, SEGMENT_4KB + 100)  # type: ignore[assignment]
    with decrypt_stream(SMALL_KEY, source, AD) as reader, pytest.raises(ConnectionResetError):
        reader.read(10 * SEGMENT_4KB)


def test_storage_failure_while_writing_is_reported_as_itself() -> None:
    destination: BinaryIO = _FailingDestination()  # type: ignore[assignment]
    with pytest.raises(OSError, match="No space left"):
        encrypt_stream(SMALL_KEY, io.BytesIO(b"x" * 10_000), destination, AD)


def test_streams_leave_caller_files_open() -> None:
    source, destination = io.BytesIO(b"data"), io.BytesIO()
    encrypt_stream(SMALL_KEY, source, destination, AD)
    assert not destination.closed
    ciphertext = io.BytesIO(destination.getvalue())
    with decrypt_stream(SMALL_KEY, ciphertext, AD) as reader:
        assert reader.read() == b"data"
    assert not ciphertext.closed


class _TrickleDestination(io.RawIOBase):
    """A raw file that accepts at most 1000 bytes per write, as raw files may."""

    def __init__(self) -> None:
        super().__init__()
        self.received = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: "bytes | bytearray | memoryview", /) -> int:  # type: ignore[override]
        self.received += data[:1000]
        return min(len(data), 1000)


def test_partial_writes_of_a_raw_destination_are_completed() -> None:
    destination = _TrickleDestination()
    written = encrypt_stream(SMALL_KEY, io.BytesIO(MULTI_SEGMENT), destination, AD)  # type: ignore[arg-type]
    assert written.ciphertext_size == len(destination.received)
    assert decrypt(SMALL_KEY, bytes(destination.received)) == MULTI_SEGMENT


class _ReadSizes(io.BytesIO):
    """A source that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_read_chunks_reads_in_bounded_pieces() -> None:
    data = os.urandom(3 * DEFAULT_CHUNK_SIZE + 5)
    source = _ReadSizes(data)
    chunks = list(read_chunks(source))
    assert b"".join(chunks) == data
    assert [len(c) for c in chunks] == [DEFAULT_CHUNK_SIZE] * 3 + [5]
    assert set(source.asked) == {DEFAULT_CHUNK_SIZE}  # never an unbounded read(-1)
