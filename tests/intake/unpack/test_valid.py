"""Valid archives come out whole: the right normalised paths, the exact bytes, in order."""

from __future__ import annotations

import random
import time
import unicodedata
import zipfile

import pytest

from intake.problems import Problems
from intake.unpack import ArchiveFormat, UnpackLimits, detect_format, iter_entries
from intake.unpack.limits import MiB
from intake.unpack.seekable import TAIL_BYTES
from tests.intake.unpack.hostile import make_zip
from tests.intake.unpack.support import Source, build, unpack

TREE = {
    "dataset/labels.csv": b"image,label\n\xe7\x8c\xab/1.jpg,cat\n",
    "dataset/猫/图片一.jpg": random.Random(5).randbytes(3000),
    "dataset/狗/b.png": random.Random(6).randbytes(70_000),
    "dataset/empty.txt": b"",
}
FOLDERS = ["dataset/", "dataset/猫/", "dataset/狗/"]


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_folders_and_unicode_names(archive_format: ArchiveFormat) -> None:
    data = build(archive_format, TREE, FOLDERS)
    assert detect_format(data[:512]) is archive_format
    result = unpack(data)
    assert result.problems.kept == []
    assert list(result.contents) == list(TREE)  # archive order, folders not yielded
    assert result.read == TREE
    assert result.source.all_closed


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_names_are_normalised(archive_format: ArchiveFormat) -> None:
    files = {"./a/./b.jpg": b"1", "c//d.jpg": b"2", "e\u0301t\u00e9.jpg": b"3"}
    result = unpack(build(archive_format, files, ["./"]))
    assert result.problems.kept == []
    assert list(result.read) == ["a/b.jpg", "c/d.jpg", "\u00e9t\u00e9.jpg"]
    assert all(unicodedata.is_normalized("NFC", path) for path in result.read)


def test_entries_know_size_and_index() -> None:
    source = Source(build(ArchiveFormat.TAR, TREE, FOLDERS))
    seen = [(entry.path, entry.size, entry.index)
            for entry in iter_entries(source, len(source.data), UnpackLimits(), Problems())]
    assert seen == [(path, len(data), index + len(FOLDERS))
                    for index, (path, data) in enumerate(TREE.items())]


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_entry_reads_once_and_only_while_current(archive_format: ArchiveFormat) -> None:
    source = Source(build(archive_format, TREE))
    entries = iter_entries(source, len(source.data), UnpackLimits(), Problems())
    first = next(entries)
    assert first.read(MiB) == TREE[first.path]
    with pytest.raises(RuntimeError, match="twice"):
        first.read(MiB)
    second = next(entries)
    with pytest.raises(RuntimeError, match="moved on"):
        first.read(MiB)
    assert second.read(MiB) == TREE[second.path]


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_unread_entries_are_skipped(archive_format: ArchiveFormat) -> None:
    source = Source(build(archive_format, TREE))
    problems = Problems()
    entries = list(iter_entries(source, len(source.data), UnpackLimits(), problems))
    assert [entry.path for entry in entries] == list(TREE)
    assert problems.kept == []


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_stopping_early_closes_the_source(archive_format: ArchiveFormat) -> None:
    source = Source(build(archive_format, TREE))
    for _ in iter_entries(source, len(source.data), UnpackLimits(), Problems()):
        break
    assert source.all_closed


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_read_limit(archive_format: ArchiveFormat) -> None:
    result = unpack(build(archive_format, TREE), read_limit=10_000)
    assert result.rules == {"unpack.entry_too_large"}
    assert result.files("unpack.entry_too_large") == ["dataset/狗/b.png"]
    assert "dataset/狗/b.png" not in result.read
    assert len(result.read) == 3


def test_small_zip_is_read_in_one_pass() -> None:
    # One open to tell the format, one for everything else: the archive fits the tail cache.
    assert len(unpack(build(ArchiveFormat.ZIP, TREE)).source.streams) == 2


def test_large_zip_is_read_forward_in_two_passes() -> None:
    files = {f"img/{index}.jpg": random.Random(index).randbytes(MiB) for index in range(6)}
    data = make_zip(list(files.items()), zipfile.ZIP_STORED)
    assert len(data) > TAIL_BYTES
    result = unpack(data)
    assert result.read == files
    assert len(result.source.streams) == 3  # the format; the central directory; the entries


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_ten_thousand_tiny_files(archive_format: ArchiveFormat) -> None:
    files = {f"images/{index // 100}/{index}.jpg": b"%d" % index for index in range(10_000)}
    data = build(archive_format, files)
    started = time.monotonic()
    result = unpack(data)
    elapsed = time.monotonic() - started
    assert result.problems.kept == []
    assert result.read == files
    assert elapsed < 10



def unflagged_zip(name: str, encoding: str) -> bytes:
    """A one-entry zip whose name is stored in `encoding` without the UTF-8 flag (zipfile
    would flag it: an ASCII placeholder of the same length is patched over)."""
    stored = name.encode(encoding)
    placeholder = b"#" * len(stored)
    return make_zip([(placeholder.decode(), b"content")]).replace(placeholder, stored)


def test_unflagged_utf8_zip_names_are_read_as_utf8() -> None:
    result = unpack(unflagged_zip("数据/猫.jpg", "utf-8"))
    assert result.problems.kept == []
    assert result.read == {"数据/猫.jpg": b"content"}


def test_unflagged_gbk_zip_names_are_read_as_gb18030() -> None:
    """Windows in a Chinese locale writes GBK names without the UTF-8 flag.
    (A heuristic: "猫" in GBK happens to be valid UTF-8 for "è"; "张三照片" is not.)"""
    result = unpack(unflagged_zip("张三照片.jpg", "gbk"))
    assert result.problems.kept == []
    assert result.read == {"张三照片.jpg": b"content"}


def test_unsupported_zip_compression_is_reported() -> None:
    data = bytearray(make_zip([("a.jpg", b"1"), ("b.jpg", b"2")], zipfile.ZIP_STORED))
    data[data.rindex(b"PK\x01\x02") + 10] = 9  # deflate64, as Windows writes big files
    result = unpack(bytes(data))
    assert result.rules == {"unpack.corrupt_entry"}
    assert result.files("unpack.corrupt_entry") == ["b.jpg"]
    assert result.read == {"a.jpg": b"1"}


