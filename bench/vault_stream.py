"""Benchmark: vault streaming encryption against one-shot AES-256-GCM in the same run.

Streams --size-mib of pseudo-random data through ObjectStore.put and ObjectStore.open on a
LocalBackend in a temporary directory (never holding the object in memory), then runs the
baselines: `cryptography`'s AESGCM encrypt and decrypt over --raw-mib of the same data in
64 MiB pieces, and a plaintext durable write (write + fsync) of the same bytes to the same
directory. The baselines run after the vault part, so their buffers are not in the peak RSS
figure, which is read (ru_maxrss) right after the vault part.

The vault write is durable (the backend fsyncs), so on a slow disk it measures the disk. The
encryption pipeline that ObjectStore.put runs (encrypt_stream: read, SHA-256, Tink streaming
AEAD) is therefore also timed into a discarding sink, and that is what the AES target is
checked against; the durable write is compared with the plaintext durable write.

Usage: .venv/bin/python bench/vault.py [--size-mib 1024] [--raw-mib 256] [--dir PATH]
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# This script is named like the package: drop its own directory from the path so that
# `import vault` finds the package (installed in the venv, or the repository root).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.append(str(_HERE.parent))

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
TARGET_RATIO = 0.5
TARGET_RSS_MB = 200

T = TypeVar("T")


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


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds `work` took, and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


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
    args = parser.parse_args()
    size, raw_size = args.size_mib * MIB, args.raw_mib * MIB

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="airlock-bench-") as directory:
        vault = bench_vault(size, Path(directory))
        plain_s = bench_plain_durable_write(size, Path(directory))
    encrypt_s, decrypt_s = bench_raw(raw_size)

    write, plain_write = mb_per_s(size, vault.write_s), mb_per_s(size, plain_s)
    pipeline, read = mb_per_s(size, vault.pipeline_s), mb_per_s(size, vault.read_s)
    raw_encrypt, raw_decrypt = mb_per_s(raw_size, encrypt_s), mb_per_s(raw_size, decrypt_s)
    pipeline_ratio, read_ratio = pipeline / raw_encrypt, read / raw_decrypt
    rss_mb = vault.peak_rss / 1e6
    print(f"object size {args.size_mib} MiB; files in {directory}")
    print(f"vault write, durable (ObjectStore.put, local backend): {write:6.0f} MB/s")
    print(f"vault read (ObjectStore.open, 1 MiB reads):           {read:6.0f} MB/s")
    print(f"vault encryption pipeline (encrypt_stream, no disk):  {pipeline:6.0f} MB/s")
    print(f"plaintext durable write, same directory:              {plain_write:6.0f} MB/s")
    print(
        f"raw AES-256-GCM encrypt ({args.raw_mib} MiB in 64 MiB pieces):  {raw_encrypt:6.0f} MB/s"
    )
    print(
        f"raw AES-256-GCM decrypt ({args.raw_mib} MiB in 64 MiB pieces):  {raw_decrypt:6.0f} MB/s"
    )
    print(
        f"ratios: write pipeline / raw encrypt {pipeline_ratio:.2f}, read / raw decrypt "
        f"{read_ratio:.2f}, durable write / raw encrypt {write / raw_encrypt:.2f}, "
        f"durable write / plaintext durable write {write / plain_write:.2f}"
    )
    print(f"peak RSS during the vault part: {rss_mb:.0f} MB")
    passed = min(pipeline_ratio, read_ratio) >= TARGET_RATIO and rss_mb < TARGET_RSS_MB
    print(
        f"SUMMARY {'PASS' if passed else 'FAIL'}: vault write pipeline {pipeline_ratio:.2f}x and "
        f"read {read_ratio:.2f}x of one-shot AES-256-GCM (target >= {TARGET_RATIO}); peak RSS "
        f"{rss_mb:.0f} MB (target < {TARGET_RSS_MB}); durable write {write:.0f} MB/s = "
        f"{write / plain_write:.2f}x of plaintext durable write (disk-bound)"
    )


if __name__ == "__main__":
    main()
