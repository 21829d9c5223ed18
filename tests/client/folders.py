"""A folder written from a mapping of relative names to bytes, as the client tests build
their datasets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_folder(root: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root
