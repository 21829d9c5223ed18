"""Ciphertext objects as owner-only files under a root directory."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from vault.backends.background_writer import BackgroundFileWriter
from vault.backends.base import validate_locator, validate_prefix
from vault.errors import ObjectNotFoundError, VaultError
from vault.private_files import fsync_directory, make_private_dirs

_TEMP_DIR = ".tmp"


class LocalBackend:
    """Files under `root` (dirs 0700, files 0600); writes land via temp file and rename."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self._root = root
        self._temp_dir = root / _TEMP_DIR
        make_private_dirs(self._temp_dir)

    @contextmanager
    def writer(self, locator: str) -> Iterator[BinaryIO]:
        target = self._path(locator)
        fd, temp_name = tempfile.mkstemp(dir=self._temp_dir)  # mkstemp creates it 0600
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                sink = BackgroundFileWriter(handle)
                try:
                    yield cast(BinaryIO, sink)
                except BaseException:
                    sink.abandon()
                    raise
                sink.finish()
            make_private_dirs(target.parent)
            temp.replace(target)
        finally:
            temp.unlink(missing_ok=True)  # only still there if the write was aborted
        fsync_directory(target.parent)

    @contextmanager
    def reader(self, locator: str) -> Iterator[BinaryIO]:
        try:
            handle = self._path(locator).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFoundError(f"no object at {locator!r} in local backend") from exc
        with handle:
            yield handle

    def delete(self, locator: str) -> int:
        path = self._path(locator)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return 0
        fsync_directory(path.parent)
        self._prune_empty_parents(path.parent)
        return 1

    def delete_prefix(self, prefix: str) -> dict[str, int]:
        return {locator: self.delete(locator) for locator in list(self.list(prefix))}

    def _prune_empty_parents(self, directory: Path) -> None:
        """Empty folders named after a deleted dataset are removed too: nothing stays."""
        while directory != self._root and directory.is_relative_to(self._root):
            try:
                directory.rmdir()
            except OSError:  # not empty (or raced by a writer): stop here
                return
            directory = directory.parent
            fsync_directory(directory)

    def list(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        # Walk only the deepest directory the prefix names, then match the rest as a string.
        base = self._root / prefix.rpartition("/")[0]
        for directory, subdirs, files in os.walk(base):
            subdirs[:] = sorted(d for d in subdirs if d != _TEMP_DIR)
            relative = Path(directory).relative_to(self._root)
            for file_name in sorted(files):
                locator = (relative / file_name).as_posix()
                if locator.startswith(prefix):
                    yield locator

    def exists(self, locator: str) -> bool:
        return self._path(locator).is_file()

    def check(self) -> None:
        try:
            fd, temp_name = tempfile.mkstemp(dir=self._temp_dir)
            os.close(fd)
            os.unlink(temp_name)
        except OSError as exc:  # the reason only: the error's text names the path
            raise VaultError("the local vault cannot be written: "
                             f"{exc.strerror or type(exc).__name__}") from None

    def _path(self, locator: str) -> Path:
        return self._root / validate_locator(locator)
