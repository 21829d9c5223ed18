"""Memory stays flat: a 100 MiB tar.gz streams through holding about one entry at a time."""

from __future__ import annotations

import hashlib
import io
import random
import tarfile
import tracemalloc

import pytest

from intake.problems import Problems
from intake.unpack import UnpackLimits, iter_entries
from intake.unpack.limits import MiB
from tests.intake.unpack.support import Source

ENTRY_BYTES = 8 * MiB
TOTAL_BYTES = 100 * MiB


@pytest.fixture(scope="module")
def big_tar_gz() -> tuple[bytes, dict[str, str]]:
    """~100 MiB of incompressible entries of at most 8 MiB each, and their SHA-256."""
    generator = random.Random(8)
    buffer = io.BytesIO()
    digests: dict[str, str] = {}
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        for index, start in enumerate(range(0, TOTAL_BYTES, ENTRY_BYTES)):
            data = generator.randbytes(min(ENTRY_BYTES, TOTAL_BYTES - start))
            info = tarfile.TarInfo(f"images/{index}.jpg")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            digests[info.name] = hashlib.sha256(data).hexdigest()
    return buffer.getvalue(), digests


def test_peak_memory_of_a_100_mib_tar_gz(big_tar_gz: tuple[bytes, dict[str, str]]) -> None:
    data, digests = big_tar_gz
    source = Source(data)
    problems = Problems()
    seen: dict[str, str] = {}
    tracemalloc.start()
    try:
        for entry in iter_entries(source, len(data), UnpackLimits(), problems):
            content = entry.read(ENTRY_BYTES)
            assert content is not None
            seen[entry.path] = hashlib.sha256(content).hexdigest()
            del content
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems.kept == []
    assert seen == digests
    assert peak < 20 * MiB, f"peak {peak / MiB:.1f} MiB"
