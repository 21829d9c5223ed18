"""A directory streamed as a tar archive, packed on the fly: nothing is written to disk."""

from __future__ import annotations

import os
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def directory_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


@contextmanager
def tar_stream(root: Path) -> Iterator[BinaryIO]:
    """Yields a readable stream of `root` packed as tar (entries relative to `root`).

    Symbolic links are packed as links, not followed, so validation reports them.
    """
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb") as sink, tarfile.open(fileobj=sink, mode="w|") as tar:
                for path in sorted(root.rglob("*")):
                    if path.is_file() or path.is_symlink():
                        tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
        except BrokenPipeError:
            pass  # the reader stopped early (upload refused); nothing to report here
        except BaseException as exc:
            failure.append(exc)

    producer = threading.Thread(target=produce, name="tar-producer", daemon=True)
    producer.start()
    with os.fdopen(read_fd, "rb") as source:
        yield source
    producer.join()
    if failure:
        raise failure[0]
