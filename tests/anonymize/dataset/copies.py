"""Reading a dataset's stored copies back, decrypted, for assertions."""

from __future__ import annotations

import io
import tarfile

from airlock.instance import Instance
from catalog import CopyKind, live_copies


def copy_bytes(instance: Instance, dataset_id: str, kind: CopyKind) -> list[bytes]:
    with instance.reading() as session:
        copies = [c for c in live_copies(session, dataset_id) if c.kind is kind]
        key = instance.vault.data_key(session, dataset_id)
    out = []
    for copy in copies:
        with instance.vault.reader(key, dataset_id, copy.id) as stream:
            out.append(stream.read())
    return out


def anonymised_tar(instance: Instance, dataset_id: str) -> bytes:
    """The anonymised shards as one tar, joined here from each shard's bytes: a tar ends
    with two zero blocks, which every shard but the last loses."""
    with instance.reading() as session:
        shards = sorted((c for c in live_copies(session, dataset_id)
                         if c.kind is CopyKind.ANONYMISED), key=lambda c: c.shard or 0)
        key = instance.vault.data_key(session, dataset_id)
    parts = []
    for shard in shards:
        with instance.vault.reader(key, dataset_id, shard.id) as stream:
            data = stream.read()
        assert data.endswith(b"\0" * 1024)
        parts.append(data[:-1024])
    return b"".join(parts) + b"\0" * 1024


def members(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar if m.isfile()}
