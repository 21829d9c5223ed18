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


def members(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar if m.isfile()}
