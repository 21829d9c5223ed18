"""The rule ids the unpacker reports, and a finding about one entry."""

from __future__ import annotations

from typing import NamedTuple

# The archive as a whole; each of these ends the iteration (except EMPTY, found at the end).
NOT_AN_ARCHIVE = "unpack.not_an_archive"
CORRUPT_ARCHIVE = "unpack.corrupt_archive"
TOO_MANY_ENTRIES = "unpack.too_many_entries"
TOTAL_SIZE_EXCEEDED = "unpack.total_size_exceeded"
EMPTY = "unpack.empty"

# One entry's name or type: the entry is skipped.
ABSOLUTE_PATH = "unpack.absolute_path"
PATH_TRAVERSAL = "unpack.path_traversal"
BACKSLASH_IN_NAME = "unpack.backslash_in_name"
INVALID_NAME = "unpack.invalid_name"
SYMLINK = "unpack.symlink"
HARDLINK = "unpack.hardlink"
SPECIAL_FILE = "unpack.special_file"
DUPLICATE_NAME = "unpack.duplicate_name"
CASE_COLLISION = "unpack.case_collision"
ENCRYPTED_ENTRY = "unpack.encrypted_entry"

# One entry's content.
ENTRY_TOO_LARGE = "unpack.entry_too_large"
CORRUPT_ENTRY = "unpack.corrupt_entry"
NESTED_ARCHIVE = "unpack.nested_archive"
RATIO_EXCEEDED = "unpack.ratio_exceeded"  # per entry, or overall (then it ends the iteration)

JUNK_IGNORED = "unpack.junk_ignored"

UNPACK_RULES = frozenset({
    NOT_AN_ARCHIVE, CORRUPT_ARCHIVE, TOO_MANY_ENTRIES, TOTAL_SIZE_EXCEEDED, EMPTY,
    ABSOLUTE_PATH, PATH_TRAVERSAL, BACKSLASH_IN_NAME, INVALID_NAME, SYMLINK, HARDLINK,
    SPECIAL_FILE, DUPLICATE_NAME, CASE_COLLISION, ENCRYPTED_ENTRY, ENTRY_TOO_LARGE,
    CORRUPT_ENTRY, NESTED_ARCHIVE, RATIO_EXCEEDED, JUNK_IGNORED,
})


class Finding(NamedTuple):
    """An error about one entry. The message is ours: never the entry's name or content."""

    rule: str
    message: str
