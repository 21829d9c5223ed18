"""Property-based fuzzing: whatever the bytes, the unpacker never raises, reports only its own
rules, keeps its limits, and hands out only safe paths."""

from __future__ import annotations

import gzip
import os
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.problems import Problems
from intake.unpack import UNPACK_RULES, ArchiveFormat, UnpackLimits, iter_entries
from intake.unpack.names import DISPLAY_CHARS, is_junk, normalise
from tests.intake.unpack.hostile import make_tar, make_zip, tar_member
from tests.intake.unpack.support import Source

READ_LIMIT = 1500
SMALL = UnpackLimits(max_entries=5, max_entry_bytes=1000, max_total_bytes=2500, max_ratio=50,
                     max_name_bytes=24, max_path_depth=3)
LIMITS = st.sampled_from([UnpackLimits(), SMALL])
# A few thousand cases in all for CI; set UNPACK_FUZZ_EXAMPLES for a longer campaign.
FUZZ = settings(max_examples=int(os.environ.get("UNPACK_FUZZ_EXAMPLES", "900")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

PIECES = ["a", "B", "b", "é", "e\u0301", "猫", "/", "\\", ".", "..", "\x00", "\x07", ":", " ",
          "\u202e", "__MACOSX", "._", "C:", ".DS_Store", "\udcff"]


def members_from(pieces: list[str]) -> st.SearchStrategy[list[tuple[str, bytes]]]:
    names = st.lists(st.sampled_from(pieces), max_size=8).map("".join)
    return st.lists(st.tuples(names, st.binary(max_size=400)), max_size=6)


members = members_from(PIECES)
flips = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
                 max_size=6)
cuts = st.none() | st.integers(min_value=0)


def mutate(data: bytes, changes: list[tuple[int, int]], cut: int | None) -> bytes:
    mutated = bytearray(data)
    for position, xor in changes:
        if mutated:
            mutated[position % len(mutated)] ^= xor
    return bytes(mutated if cut is None else mutated[:cut % (len(mutated) + 1)])


def zip_name(name: str) -> str:
    """A name zipfile can write: not undecodable, not cut at a NUL, not empty (the hostile
    cases patch such names in)."""
    return name.replace("\udcff", "?").replace("\x00", "\x01") or "empty"


def build(archive_format: ArchiveFormat, entries: list[tuple[str, bytes]]) -> bytes:
    if archive_format is ArchiveFormat.ZIP:
        return make_zip([(zip_name(name), data) for name, data in entries])
    return make_tar([tar_member(name, data) for name, data in entries],
                    gzipped=archive_format is ArchiveFormat.TAR_GZ)


def check(data: bytes, limits: UnpackLimits) -> tuple[dict[str, bytes | None], Problems]:
    """Unpacks `data` reading every entry, and checks what must hold for any input."""
    source = Source(data)
    problems = Problems()
    contents: dict[str, bytes | None] = {}
    for entry in iter_entries(source, len(data), limits, problems):
        segments = entry.path.split("/")
        assert entry.path == normalise(entry.path)
        assert unicodedata.is_normalized("NFC", entry.path)
        assert "\\" not in entry.path and ".." not in segments and "" not in segments
        assert len(segments) <= limits.max_path_depth
        assert entry.path not in contents
        contents[entry.path] = entry.read(READ_LIMIT)
    read = [content for content in contents.values() if content is not None]
    assert len(contents) <= limits.max_entries
    assert all(len(content) <= min(READ_LIMIT, limits.max_entry_bytes) for content in read)
    assert sum(map(len, read)) <= limits.max_total_bytes
    for problem in problems.kept:
        assert problem.rule in UNPACK_RULES
        assert problem.file is None or (len(problem.file) <= DISPLAY_CHARS
                                        and problem.file.isprintable())
    assert source.all_closed
    return contents, problems


magic = st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b\x08\x00", b"ustar"])


@FUZZ
@given(magic, st.binary(max_size=3000), LIMITS)
def test_random_bytes(head: bytes, body: bytes, limits: UnpackLimits) -> None:
    data = head + body if head != b"ustar" else bytes(257) + head + body
    check(data, limits)


@FUZZ
@given(st.sampled_from(list(ArchiveFormat)), members, flips, cuts, LIMITS)
def test_mutated_archives(archive_format: ArchiveFormat, entries: list[tuple[str, bytes]],
                          changes: list[tuple[int, int]], cut: int | None,
                          limits: UnpackLimits) -> None:
    check(mutate(build(archive_format, entries), changes, cut), limits)


@FUZZ
@given(members, flips, cuts, LIMITS)
def test_mutated_tar_inside_gzip(entries: list[tuple[str, bytes]],
                                 changes: list[tuple[int, int]], cut: int | None,
                                 limits: UnpackLimits) -> None:
    """Damage the tar, not the gzip around it, so the tar parser meets it."""
    check(gzip.compress(mutate(build(ArchiveFormat.TAR, entries), changes, cut)), limits)


@FUZZ
@given(st.sampled_from(list(ArchiveFormat)),
       members_from([piece for piece in PIECES if piece != "\x00"]))
def test_clean_archives_round_trip(archive_format: ArchiveFormat,
                                   entries: list[tuple[str, bytes]]) -> None:
    """When nothing is reported, every file came out, whole, under its normalised name.
    (Names with a NUL are left out: a ustar header ends a name at its first NUL.)"""
    data = build(archive_format, entries)
    contents, problems = check(data, UnpackLimits())
    if problems.kept:
        return
    if archive_format is ArchiveFormat.ZIP:
        entries = [(zip_name(name), content) for name, content in entries
                   if not zip_name(name).endswith("/")]  # a folder in a zip
    expected = {normalise(name): content for name, content in entries
                if not is_junk(normalise(name))}
    assert contents == expected
