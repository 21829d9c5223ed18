"""Owner-only directories and crash-safe writes of small secret files."""

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new entry in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_private_dirs(directory: Path) -> None:
    """Create `directory` and missing parents with mode 0700, each creation made durable."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent writer created it first
            path.mkdir(mode=PRIVATE_DIR_MODE)
            path.chmod(PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
        fsync_directory(path.parent)


def write_private_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write `data` to `path` (mode 0600) atomically: temp file, fsync, rename, fsync dir.

    With `replace=False` an existing file is never overwritten (FileExistsError).
    """
    make_private_dirs(path.parent)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            temp.replace(path)
        else:
            os.link(temp, path)  # link() refuses to clobber, unlike rename()
    finally:
        temp.unlink(missing_ok=True)
    fsync_directory(path.parent)
