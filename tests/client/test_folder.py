"""The folder walk that packing and pre-flight share."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from airlock_client.errors import UsageError
from airlock_client.folder import archive_name, folder_files


def test_files_are_listed_sorted_by_name_bytes_with_slashes(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.jpg").write_bytes(b"zz")
    (tmp_path / "a.txt").write_bytes(b"a")
    (tmp_path / "B.txt").write_bytes(b"")
    (tmp_path / "empty").mkdir()
    (tmp_path / "b" / "图.jpg").write_bytes(b"x")
    listed = folder_files(tmp_path)
    assert [f.name for f in listed] == ["B.txt", "a.txt", "b/z.jpg", "b/图.jpg"]
    assert [f.size for f in listed] == [0, 1, 2, 1]


def test_windows_paths_are_named_with_forward_slashes() -> None:
    assert archive_name(PureWindowsPath("images\\cats\\1.jpg")) == "images/cats/1.jpg"
    assert archive_name(PurePosixPath("images/cats/1.jpg")) == "images/cats/1.jpg"


@pytest.mark.parametrize("name", ["a\\b.jpg", "tab\there.jpg", "bell\x07.jpg"])
def test_names_an_archive_cannot_carry_are_refused(name: str) -> None:
    with pytest.raises(UsageError):
        archive_name(PurePosixPath("images", name))


def test_a_link_is_refused_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    root = tmp_path / "dataset"
    root.mkdir()
    os.symlink(outside, root / "link.txt")
    with pytest.raises(UsageError, match="link"):
        folder_files(root)


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(UsageError, match="not a folder"):
        folder_files(tmp_path / "f")
