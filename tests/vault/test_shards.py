"""Shards: files cut into bounded tars, read back, and joined into one tar (properties)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from typing import BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault import (
    ShardBounds,
    ShardWriter,
    StoredObject,
    joined,
    joined_size,
    shard_copy_id,
    shard_files,
)
from vault.shards import ShardFileTooLarge

names = st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), min_size=1,
                max_size=40)
files = st.dictionaries(names, st.binary(max_size=3000), max_size=30)
bounds = st.builds(ShardBounds, max_bytes=st.integers(1, 8000), max_files=st.integers(1, 8))


class Store:
    """What a writer writes, by copy id, as the vault would keep it (decrypted)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def write(self, copy_id: str, source: BinaryIO) -> StoredObject:
        data = source.read()
        self.objects[copy_id] = data
        return StoredObject(locator=copy_id, backend="memory", plaintext_size=len(data),
                            plaintext_sha256=hashlib.sha256(data).hexdigest(),
                            ciphertext_size=len(data))


def _write(content: dict[str, bytes], limits: ShardBounds) -> tuple[Store, list[bytes],
                                                                    dict[str, int]]:
    store = Store()
    writer = ShardWriter(store.write, "run", limits)
    placed = {name: writer.add(name, data) for name, data in content.items()}
    written = writer.close()
    assert [shard.index for shard in written] == list(range(len(written)))
    return store, [store.objects[shard.copy_id] for shard in written], placed


@given(files, bounds)
def test_every_file_lands_in_one_shard_within_the_bounds(content: dict[str, bytes],
                                                          limits: ShardBounds) -> None:
    _, shards, placed = _write(content, limits)
    found: dict[str, bytes] = {}
    for index, shard in enumerate(shards):
        inside = dict(shard_files(io.BytesIO(shard), 10**6))
        assert 1 <= len(inside) <= limits.max_files
        payload = sum(len(data) for data in inside.values())
        assert payload <= limits.max_bytes or len(inside) == 1  # a large file stands alone
        assert all(placed[name] == index for name in inside)
        found |= inside
    assert found == content


@given(files, bounds)
def test_joined_shards_are_one_tar_of_every_file(content: dict[str, bytes],
                                                 limits: ShardBounds) -> None:
    _, shards, _ = _write(content, limits)
    if not shards:
        return
    pieces = [[shard[i:i + 700] for i in range(0, len(shard), 700)] for shard in shards]
    whole = b"".join(joined(pieces))
    assert len(whole) == joined_size(len(shard) for shard in shards)
    with tarfile.open(fileobj=io.BytesIO(whole)) as tar:
        assert {m.name: tar.extractfile(m).read() for m in tar} == content  # type: ignore[union-attr]


def test_a_shard_without_its_end_is_refused() -> None:
    _, [shard], _ = _write({"a.jpg": b"x" * 10}, ShardBounds(100, 10))
    with pytest.raises(ValueError, match="does not end"):
        b"".join(joined([[shard[:-512]]]))


def test_a_file_over_the_reader_limit_is_refused() -> None:
    _, [shard], _ = _write({"a.jpg": b"x" * 100}, ShardBounds(1000, 10))
    with pytest.raises(ShardFileTooLarge):
        list(shard_files(io.BytesIO(shard), 99))


def test_copy_ids_are_fixed_per_run_and_index() -> None:
    assert shard_copy_id("run", 3) == shard_copy_id("run", 3)
    assert len({shard_copy_id("run", 3), shard_copy_id("run", 4),
                shard_copy_id("other", 3)}) == 3
    assert len(shard_copy_id("run", 3)) == 32
