"""The bytes of a deterministic tar member header: POSIX pax (ustar blocks, with a pax
extended header only where ustar cannot say it), written here rather than by `tarfile`, so
the same file list gives the same bytes under every Python version and operating system.

Every member is a regular file with mode 0644, mtime 0, uid and gid 0 and no user or group
names. A name that is not ASCII or longer than 100 bytes, and a size of 8 GiB or more, go
into a pax record; ustar's own fields then hold a fixed stand-in."""

from __future__ import annotations

BLOCK = 512
END_OF_ARCHIVE = bytes(2 * BLOCK)
MAX_USTAR_SIZE = 8**11 - 1
"""Eleven octal digits."""
MAX_USTAR_NAME = 100
PAX_HEADER_NAME = b"././@PaxHeader"
MODE = 0o644


def member_header(name: str, size: int) -> bytes:
    """The header block(s) of a regular file `name` of `size` bytes."""
    encoded = name.encode("utf-8")
    records: list[tuple[str, str]] = []
    if len(encoded) > MAX_USTAR_NAME or not encoded.isascii():
        records.append(("path", name))
    if size > MAX_USTAR_SIZE:
        records.append(("size", str(size)))
    stand_in = encoded.decode("ascii", "replace").encode("ascii", "replace")[:MAX_USTAR_NAME]
    header = _ustar(stand_in if records else encoded, 0 if size > MAX_USTAR_SIZE else size,
                    b"0")
    if not records:
        return header
    payload = pax_records(records)
    return _ustar(PAX_HEADER_NAME, len(payload), b"x") + payload + padding(len(payload)) + \
        header


def pax_records(records: list[tuple[str, str]]) -> bytes:
    """`"LENGTH KEY=VALUE\\n"` records, LENGTH counting the whole record, itself included."""
    out = b""
    for key, value in records:
        body = f" {key}={value}\n".encode()
        length = len(body)
        while len(body) + len(str(length)) != length:  # settles within two turns
            length = len(body) + len(str(length))
        out += str(length).encode("ascii") + body
    return out


def padding(size: int) -> bytes:
    """Zeros that bring `size` bytes of data to a whole number of blocks."""
    return bytes(-size % BLOCK)


def _ustar(name: bytes, size: int, kind: bytes) -> bytes:
    fields = [
        name.ljust(100, b"\0"),
        _octal(MODE, 8), _octal(0, 8), _octal(0, 8),  # mode, uid, gid
        _octal(size, 12), _octal(0, 12),  # size, mtime
        b" " * 8,  # the checksum, counted as spaces
        kind, bytes(100),  # type, link name
        b"ustar\x0000",  # magic and version
        bytes(32), bytes(32),  # user and group names
        _octal(0, 8), _octal(0, 8),  # device numbers
        bytes(155), bytes(12),  # prefix, pad
    ]
    block = b"".join(fields)
    checksum = b"%06o\0 " % sum(block)
    return block[:148] + checksum + block[156:]


def _octal(value: int, width: int) -> bytes:
    return b"%0*o\0" % (width - 1, value)
