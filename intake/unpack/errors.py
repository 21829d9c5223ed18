"""What the unpacker does with exceptions: which mean damaged input, which end the iteration."""

from __future__ import annotations

import lzma
import struct
import tarfile
import zipfile
import zlib

# Raised by zipfile, tarfile, gzip and the decompressors on hostile or damaged bytes.
# OSError covers gzip.BadGzipFile and bz2's "Invalid data stream"; EOFError is a stream that
# ends early; NotImplementedError an unsupported zip method or version; UnicodeDecodeError a
# zip name flagged UTF-8 that is not.
DAMAGE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, zlib.error, lzma.LZMAError,
    EOFError, OSError, NotImplementedError, UnicodeDecodeError, struct.error,
)


class Fatal(Exception):
    """A condition that ends the iteration; recorded once as an error."""

    def __init__(self, rule: str, message: str, file: str | None = None) -> None:
        super().__init__(rule)
        self.rule = rule
        self.message = message
        self.file = file
