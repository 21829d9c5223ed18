"""Reading a bounded file, and writing one so that a reader never sees it half written."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from airlock_client.errors import UsageError


def read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes; UsageError (exit 2) when it cannot be read or is over `limit`."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise UsageError(f"{path} is over {limit} bytes")
    return data


def write_atomically(path: Path, chunks: Iterable[bytes]) -> int:
    """Stream `chunks` to a temporary file beside `path`, then put it in place; a failure
    leaves no partial file behind. Returns the bytes written."""
    staging = path.with_name(f".{path.name}.part")
    written = 0
    try:
        with staging.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
        os.replace(staging, path)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") \
            from None
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return written
