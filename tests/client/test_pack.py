"""A folder as a deterministic, random-access tar; an archive file as it is."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airlock_client.errors import UsageError
from airlock_client.pack import ArchiveFile, FolderTar, SourceChangedError, open_source
from airlock_client.tar_format import MAX_USTAR_SIZE, member_header, padding
from tests.client.folders import write_folder

FILES = {"b/z.jpg": b"z" * 700, "a.txt": b"hello", "empty.txt": b"",
         "图/名前.csv": b"x,y\n" * 300, "deep/" + "n" * 120 + ".txt": b"long name",
         "exact.bin": b"\x01" * 512}


def _whole(source: FolderTar) -> bytes:
    return source.read(0, source.size)


def test_tarfile_reads_back_every_file_with_fixed_metadata(tmp_path: Path) -> None:
    packed = FolderTar(write_folder(tmp_path, FILES))
    data = _whole(packed)
    assert len(data) == packed.size and packed.files == len(FILES)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == sorted(FILES, key=lambda n: n.encode())
        for member in members:
            assert (member.mode, member.mtime, member.uid, member.gid) == (0o644, 0, 0, 0)
            assert (member.uname, member.gname, member.isreg()) == ("", "", True)
            extracted = tar.extractfile(member)
            assert extracted is not None and extracted.read() == FILES[member.name]


def test_the_same_folder_gives_the_same_bytes_whatever_its_times_and_order(
        tmp_path: Path) -> None:
    first = write_folder(tmp_path / "one", FILES)
    second = write_folder(tmp_path / "two", dict(reversed(list(FILES.items()))))
    for path in second.rglob("*"):
        os.utime(path, (1_000_000, 2_000_000))
    os.chmod(second / "a.txt", 0o600)
    assert _whole(FolderTar(first)) == _whole(FolderTar(second))


def test_a_known_folder_has_a_fixed_digest(tmp_path: Path) -> None:
    # The digest is the format's contract: a change to any header field changes it.
    packed = FolderTar(write_folder(tmp_path, {"a.txt": b"hello", "b/c.txt": b""}))
    assert packed.size == 3 * 512 + 1024
    assert hashlib.sha256(_whole(packed)).hexdigest() == hashlib.sha256(
        member_header("a.txt", 5) + b"hello" + padding(5) + member_header("b/c.txt", 0)
        + bytes(1024)).hexdigest()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ranges=st.lists(st.tuples(st.integers(0, 12_000), st.integers(0, 6_000)),
                       min_size=1, max_size=20))
def test_any_range_is_the_slice_of_the_whole_stream(
        tmp_path: Path, ranges: list[tuple[int, int]]) -> None:
    root = tmp_path / "folder"
    if not root.exists():
        write_folder(root, FILES)
    packed = FolderTar(root)
    whole = _whole(packed)
    for offset, length in ranges:
        assert packed.read(offset, length) == whole[offset:offset + length]


@settings(max_examples=100, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
                    min_size=1, max_size=200),
       size=st.integers(0, 2000))
def test_any_name_and_size_read_back_through_tarfile(name: str, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    stream = member_header(name, size) + data + padding(size) + bytes(1024)
    with tarfile.open(fileobj=io.BytesIO(stream)) as tar:
        member = tar.next()
        assert member is not None and member.name == name and member.size == size
        extracted = tar.extractfile(member)
        assert extracted is not None and extracted.read() == data


def test_a_size_beyond_ustar_goes_in_a_pax_record() -> None:
    size = MAX_USTAR_SIZE + 1
    header = member_header("big.bin", size)
    with tarfile.open(fileobj=io.BytesIO(header + bytes(512)), mode="r|") as tar:
        member = tar.next()
        assert member is not None and member.size == size


def test_a_file_changed_during_the_upload_is_refused(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "folder", FILES)
    packed = FolderTar(root)
    (root / "a.txt").write_bytes(b"HELLO, changed")
    with pytest.raises(SourceChangedError, match="changed during the upload"):
        _whole(packed)
    (root / "a.txt").unlink()
    with pytest.raises(SourceChangedError):
        _whole(packed)


def test_a_file_rewritten_with_the_same_size_is_seen_by_its_time(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "folder", FILES)
    packed = FolderTar(root)
    status = (root / "a.txt").stat()
    (root / "a.txt").write_bytes(b"HELLO")
    os.utime(root / "a.txt", ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    with pytest.raises(SourceChangedError):
        _whole(packed)


@pytest.mark.parametrize("name", ["data.zip", "data.tar", "data.tar.gz", "DATA.TGZ"])
def test_an_archive_file_is_sent_as_it_is(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"archive bytes" * 100)
    source = open_source(path)
    assert isinstance(source, ArchiveFile) and source.size == 1300
    assert source.read(0, source.size) == path.read_bytes()
    assert source.read(1290, 100) == path.read_bytes()[1290:]
    path.write_bytes(b"other")
    with pytest.raises(SourceChangedError):
        source.read(0, 10)


def test_other_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match=r"folder or a \.zip"):
        open_source(tmp_path / "notes.txt")
