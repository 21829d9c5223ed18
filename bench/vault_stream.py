"""Benchmark: vault streaming encryption against one-shot AES-256-GCM in the same run.

Streams --size-mib of pseudo-random data through ObjectStore.put and ObjectStore.open on a
LocalBackend in a temporary directory (never holding the object in memory), then runs the
baselines: `cryptography`'s AESGCM encrypt and decrypt over --raw-mib of the same data in
64 MiB pieces, and a plaintext durable write (write + fsync) of the same bytes to the same
directory. The baselines run after the vault part, so their buffers are not in the peak RSS
figure, which is read (ru_maxrss) right after the vault part.

The vault write is durable (the backend fsyncs), so on a slow disk it measures the disk. The
encryption pipeline that ObjectStore.put runs (encrypt_stream: read, SHA-256, Tink streaming
AEAD) is therefore also timed into a discarding sink, and that is what is compared
with one-shot AES-256-GCM; the durable write is compared with the plaintext durable write.

Usage: .venv/bin/python bench/vault_stream.py [--size-mib 1024] [--raw-mib 256] [--dir PATH]
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from measure import RESULTS, Result, Row, figure, report, timed

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]  # this checkout's packages

from vault import (  # noqa: E402
    DataKey,
    LocalBackend,
    ObjectStore,
    associated_data,
    encrypt_stream,
)

MIB = 1024 * 1024
RAW_PIECE = 64 * MIB
READ_CHUNK = MIB


class PseudoRandomSource(io.RawIOBase):
    """`total` bytes cycled from a few random blocks: incompressible, generated on demand."""

    def __init__(self, total: int, block_size: int = MIB, blocks: int = 7) -> None:
        super().__init__()
        self._blocks = [os.urandom(block_size) for _ in range(blocks)]
        self._block_size = block_size
        self._remaining = total
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        size = self._remaining if size < 0 else min(size, self._remaining)
        pieces = []
        while size > 0:
            block = self._blocks[(self._position // self._block_size) % len(self._blocks)]
            offset = self._position % self._block_size
            piece = block[offset : offset + size]
            pieces.append(piece)
            size -= len(piece)
            self._position += len(piece)
            self._remaining -= len(piece)
        return b"".join(pieces)


class DiscardingSink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: "bytes | bytearray | memoryview", /) -> int:  # type: ignore[override]
        return len(data)


def source(size: int) -> BinaryIO:
    return cast(BinaryIO, PseudoRandomSource(size))


def mb_per_s(size: int, seconds: float) -> float:
    return size / 1e6 / seconds


def drain(store: ObjectStore, key: DataKey) -> int:
    total = 0
    with store.open(key, "bench", "object") as plaintext:
        while chunk := plaintext.read(READ_CHUNK):
            total += len(chunk)
    return total


@dataclass(frozen=True)
class VaultTimes:
    write_s: float
    read_s: float
    pipeline_s: float
    peak_rss: int


def bench_vault(size: int, directory: Path) -> VaultTimes:
    key = DataKey.generate()
    store = ObjectStore(LocalBackend(directory))
    write_s, _ = timed(lambda: store.put(key, "bench", "object", source(size)))
    read_s, read_total = timed(lambda: drain(store, key))
    if read_total != size:
        raise SystemExit(f"read back {read_total} bytes, expected {size}")
    ad, sink = associated_data("bench", "pipeline"), cast(BinaryIO, DiscardingSink())
    pipeline_s, _ = timed(lambda: encrypt_stream(key, source(size), sink, ad))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return VaultTimes(write_s, read_s, pipeline_s, peak_rss)


def bench_plain_durable_write(size: int, directory: Path) -> float:
    """Seconds to write `size` plaintext bytes in 1 MiB chunks and fsync: the disk's bound."""
    source = PseudoRandomSource(size)
    started = time.perf_counter()
    with (directory / "plain").open("wb") as handle:
        while chunk := source.read(MIB):
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    return time.perf_counter() - started


def bench_raw(size: int) -> tuple[float, float]:
    """Seconds for one-shot AES-256-GCM encrypt and decrypt of `size` bytes in 64 MiB pieces."""
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    source = PseudoRandomSource(size)
    encrypt_s = decrypt_s = 0.0
    while piece := source.read(RAW_PIECE):
        nonce = os.urandom(12)
        started = time.perf_counter()
        ciphertext = aead.encrypt(nonce, piece, None)
        encrypt_s += time.perf_counter() - started
        started = time.perf_counter()
        aead.decrypt(nonce, ciphertext, None)
        decrypt_s += time.perf_counter() - started
    return encrypt_s, decrypt_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="vault object size")
    parser.add_argument("--raw-mib", type=int, default=256, help="baseline AES-GCM volume")
    parser.add_argument("--dir", type=Path, default=None, help="where the files go")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the JSON figures go (default bench/results)")
    args = parser.parse_args()
    size, raw_size = args.size_mib * MIB, args.raw_mib * MIB

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="airlock-bench-") as directory:
        vault = bench_vault(size, Path(directory))
        plain_s = bench_plain_durable_write(size, Path(directory))
    encrypt_s, decrypt_s = bench_raw(raw_size)

    write, plain_write = mb_per_s(size, vault.write_s), mb_per_s(size, plain_s)
    read = mb_per_s(size, vault.read_s)
    raw_decrypt = mb_per_s(raw_size, decrypt_s)
    report(Result(
        name="vault_stream", title="Vault streaming encryption (local backend)",
        size=f"one {args.size_mib} MiB object; baselines on {args.raw_mib} MiB",
        rows=[Row("airlock: encryption pipeline (encrypt_stream, no disk)", vault.pipeline_s,
                  0, size / 1e6),
              Row("floor: one-shot AES-256-GCM encrypt (64 MiB pieces)", encrypt_s, 0,
                  raw_size / 1e6)],
        ratios={"vault read (ObjectStore.open) against one-shot AES-256-GCM decrypt":
                read / raw_decrypt,
                "durable vault write (ObjectStore.put) against a plaintext durable write":
                write / plain_write},
        peak_rss_mb=vault.peak_rss / 1e6,
        notes=[f"vault write, durable: {figure(write)} MB/s; vault read: {figure(read)} MB/s; "
               f"plaintext durable write: {figure(plain_write)} MB/s; one-shot AES-256-GCM "
               f"decrypt: {figure(raw_decrypt)} MB/s.",
               "Peak RSS: right after the vault part, before the baselines' buffers."]),
        args.results)


if __name__ == "__main__":
    main()
