"""Nothing is written to disk: no file is opened for writing while archives are unpacked."""

from __future__ import annotations

import os
import sys
from typing import Any

from intake.unpack import ArchiveFormat
from tests.intake.unpack.hostile import HOSTILE_ARCHIVES
from tests.intake.unpack.support import build, unpack

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def test_unpacking_opens_no_file_for_writing() -> None:
    written: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        # Audit hooks cannot be removed: this one records only while the test runs.
        if event == "open" and recording[0]:
            path, mode, flags = args
            if (isinstance(mode, str) and any(char in mode for char in "wax+")) \
                    or (isinstance(flags, int) and flags & _WRITE_FLAGS):
                written.append(str(path))

    archives = [build_case() for build_case, _ in HOSTILE_ARCHIVES.values()]
    archives += [build(archive_format, {"a/b.jpg": b"1"}) for archive_format in ArchiveFormat]
    sys.addaudithook(hook)
    try:
        for data in archives:
            unpack(data)
    finally:
        recording[0] = False
    assert written == []
