"""A look at a zip's end record before zipfile trusts it.

zipfile reads the whole central directory into memory and makes an object per record, however
many the end record promises; this refuses a promise the limits do not allow first.
"""

from __future__ import annotations

import struct
from typing import IO

from intake.unpack.errors import Fatal
from intake.unpack.limits import UnpackLimits
from intake.unpack.rules import CORRUPT_ARCHIVE, TOO_MANY_ENTRIES

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")  # zip64 end of central directory locator
_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory record
_END64_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
_RECORD = 46  # fixed part of a central directory record
# Room per record for extra fields and a comment; real ones need a few dozen bytes.
_RECORD_EXTRAS = 4096


def check_end_record(archive: IO[bytes], size: int, limits: UnpackLimits) -> None:
    """Raises Fatal when the end record promises too many entries or too large a directory.
    A missing or unreadable record is left to zipfile to report."""
    start = max(0, size - _END.size - _MAX_COMMENT - _LOCATOR.size - _END64.size)
    archive.seek(start)
    tail = archive.read(size - start)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        return
    *_, entries, directory_size, _, _ = _END.unpack_from(tail, at)
    located = at - _LOCATOR.size - _END64.size
    if located >= 0 and tail.startswith(_LOCATOR_SIGNATURE, at - _LOCATOR.size) \
            and tail.startswith(_END64_SIGNATURE, located):
        *_, entries, directory_size, _ = _END64.unpack_from(tail, located)
    if entries > limits.max_entries:
        raise Fatal(TOO_MANY_ENTRIES, f"more than {limits.max_entries} entries")
    if directory_size > entries * (_RECORD + limits.max_name_bytes + _RECORD_EXTRAS):
        raise Fatal(CORRUPT_ARCHIVE, "the central directory is larger than its entries need")
