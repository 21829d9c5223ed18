"""Safe streaming unpacker: every entry of a zip, tar or tar.gz upload, checked in bounded
memory, nothing written to disk, every problem reported (see `rules` for the rule ids)."""

from intake.unpack.entry import ArchiveEntry
from intake.unpack.formats import ArchiveFormat, detect_format
from intake.unpack.iterate import iter_entries
from intake.unpack.limits import UnpackLimits
from intake.unpack.rules import UNPACK_RULES

__all__ = [
    "UNPACK_RULES",
    "ArchiveEntry",
    "ArchiveFormat",
    "UnpackLimits",
    "detect_format",
    "iter_entries",
]
