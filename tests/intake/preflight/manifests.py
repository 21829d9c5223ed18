"""Pre-flight manifests of test datasets, written here from the wire format's definition
(not with the client's code, which tests/client checks against the same server)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff")


def record(path: str, data: bytes, *, content: bool) -> dict[str, object]:
    line: dict[str, object] = {"path": path, "size": len(data),
                               "sha256": hashlib.sha256(data).hexdigest()}
    if content:
        line["content"] = base64.b64encode(data).decode()
    return line


def manifest(files: Mapping[str, bytes], *, unsent: frozenset[str] = frozenset()) -> bytes:
    """NDJSON of `files`; non-images carry their content unless listed in `unsent`."""
    return b"".join(json.dumps(record(path, data, content=not path.lower().endswith(
        IMAGE_SUFFIXES) and path not in unsent)).encode() + b"\n"
        for path, data in files.items())
