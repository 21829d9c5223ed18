"""The one pass that hashes a source: the whole archive's SHA-256 and each part's digest."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from airlock_client import planning, transfer
from airlock_client.output import Output
from airlock_client.pack import ArchiveFile


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=1, max_size=5000), part_size=st.integers(1, 6000),
       block=st.integers(1, 700))
def test_one_pass_gives_the_whole_digest_and_every_parts(data: bytes, part_size: int,
                                                         block: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "archive.tar"
        path.write_bytes(data)
        source = ArchiveFile(path)
        # Blocks smaller than parts, larger, and not dividing them: none may cross a part.
        digests = transfer.source_digests(source, part_size, Output(quiet=True), block=block)
        parts = [source.read(*planning.part_range(number, len(data), part_size))
                 for number in range(1, planning.parts_total(len(data), part_size) + 1)]
    assert digests.sha256 == hashlib.sha256(data).hexdigest()
    assert digests.part_size == part_size
    assert list(digests.parts) == [transfer.content_digest(part) for part in parts]
