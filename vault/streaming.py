"""Streaming authenticated encryption of objects, in bounded memory.

The format is Tink's segmented streaming AEAD; the associated data binds every object to its
dataset and name, so a ciphertext copied under another name or dataset does not decrypt.
"""

import hashlib
import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, cast

import tink

from vault.errors import IntegrityError, VaultError
from vault.keys import DataKey

DEFAULT_CHUNK_SIZE = 1024 * 1024
_AD_VERSION = b"airlock-vault-ad-v1"


def associated_data(dataset_id: str, object_id: str) -> bytes:
    """Versioned, length-prefixed encoding: no two (dataset, object) pairs share an encoding."""
    parts = [_AD_VERSION, dataset_id.encode("utf-8"), object_id.encode("utf-8")]
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


def read_chunks(source: BinaryIO, size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
    """`source` in pieces of at most `size` bytes, so a copy of any length streams in
    bounded memory."""
    while chunk := source.read(size):
        yield chunk


@dataclass(frozen=True)
class EncryptedWrite:
    plaintext_size: int
    plaintext_sha256: str
    ciphertext_size: int


class _Sink(io.RawIOBase):
    """Forwards ciphertext to the destination without ever closing it (Tink closes its sink).

    It counts bytes and remembers a write failure, which Tink would otherwise swallow into an
    opaque TinkError.
    """

    def __init__(self, destination: BinaryIO) -> None:
        super().__init__()
        self._destination = destination
        self.bytes_written = 0
        self.failure: BaseException | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: "bytes | bytearray | memoryview", /) -> int:  # type: ignore[override]
        remaining = memoryview(data)
        try:
            while remaining:  # a raw destination may accept only part of a write
                remaining = remaining[self._destination.write(remaining) :]
        except BaseException as exc:
            self.failure = exc
            raise
        self.bytes_written += len(data)
        return len(data)


class _Source(io.RawIOBase):
    """Reads ciphertext from the source without closing it, remembering a read failure."""

    def __init__(self, source: BinaryIO) -> None:
        super().__init__()
        self._source = source
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self._source.read(size)
        except BaseException as exc:
            self.failure = exc
            raise


class _AuthenticatedReader(io.RawIOBase):
    """Plaintext reader that reports any authentication failure as IntegrityError."""

    def __init__(self, plaintext: BinaryIO, source: _Source) -> None:
        super().__init__()
        self._plaintext = plaintext
        self._source = source

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self._plaintext.read(size)
        except tink.TinkError as exc:
            # A storage failure Tink swallowed is re-raised as itself, not reported as tampering.
            raise self._source.failure or IntegrityError() from exc

    def readinto(self, buffer: "bytearray | memoryview", /) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def encrypt_stream(
    key: DataKey,
    source: BinaryIO,
    destination: BinaryIO,
    ad: bytes,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EncryptedWrite:
    """Encrypt `source` into `destination` chunk by chunk, hashing the plaintext on the way."""
    sink = _Sink(destination)
    digest = hashlib.sha256()
    plaintext_size = 0
    try:
        with key.streaming_aead().new_encrypting_stream(sink, ad) as ciphertext:
            while chunk := source.read(chunk_size):
                digest.update(chunk)
                plaintext_size += len(chunk)
                ciphertext.write(chunk)
    except tink.TinkError as exc:
        raise sink.failure or VaultError("encryption failed") from exc
    return EncryptedWrite(plaintext_size, digest.hexdigest(), sink.bytes_written)


@contextmanager
def decrypt_stream(key: DataKey, source: BinaryIO, ad: bytes) -> Iterator[BinaryIO]:
    """A plaintext reader over `source`; tampering, truncation or a wrong key/AD raise
    IntegrityError when the affected bytes are read. `source` is left open for its owner."""
    guarded = _Source(source)
    try:
        plaintext = key.streaming_aead().new_decrypting_stream(guarded, ad)
    except tink.TinkError as exc:
        raise IntegrityError() from exc
    with plaintext:
        yield cast(BinaryIO, _AuthenticatedReader(plaintext, guarded))
