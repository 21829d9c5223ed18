"""Name checks, table-driven, with rows that must not match."""

from __future__ import annotations

import pytest

from intake.unpack import UnpackLimits
from intake.unpack.collisions import PathRegistry
from intake.unpack.names import display_name, is_junk, name_findings, normalise

LIMITS = UnpackLimits(max_name_bytes=64, max_path_depth=4)


@pytest.mark.parametrize(("raw", "expected"), [
    # Safe names: nothing to report.
    ("a.jpg", []),
    ("images/cat/1.jpg", []),
    ("./images/1.jpg", []),
    ("images//1.jpg", []),
    ("..jpg", []),
    ("a..b/c...jpg", []),
    ("数据集/猫/图片.jpg", []),
    ("e\u0301.jpg", []),
    ("ab:c.jpg", []),
    ("emoji \U0001f408.jpg", []),
    ("a/b/c/d.jpg", []),
    # Absolute paths.
    ("/etc/passwd", ["unpack.absolute_path"]),
    ("C:/x.jpg", ["unpack.absolute_path"]),
    ("c:x.jpg", ["unpack.absolute_path"]),  # relative to drive C: on Windows
    # Traversal, also through backslashes.
    ("../x.jpg", ["unpack.path_traversal"]),
    ("a/../../x.jpg", ["unpack.path_traversal"]),
    ("a/..", ["unpack.path_traversal"]),
    ("..\\x.jpg", ["unpack.path_traversal", "unpack.backslash_in_name"]),
    ("\\\\server\\share\\x.jpg", ["unpack.absolute_path", "unpack.backslash_in_name"]),
    ("C:\\x.jpg", ["unpack.absolute_path", "unpack.backslash_in_name"]),
    ("/../x.jpg", ["unpack.absolute_path", "unpack.path_traversal"]),
    ("a\\b.jpg", ["unpack.backslash_in_name"]),
    # Invalid names.
    ("", ["unpack.invalid_name"]),
    (".", ["unpack.invalid_name"]),
    ("./", ["unpack.invalid_name"]),
    ("a\x00.jpg", ["unpack.invalid_name"]),
    ("a\n.jpg", ["unpack.invalid_name"]),
    ("a\x7f.jpg", ["unpack.invalid_name"]),
    ("bad\udcff.jpg", ["unpack.invalid_name"]),  # an undecodable byte
    ("gpj.\u202eexe", ["unpack.invalid_name"]),  # right-to-left override
    ("a\u2028b.jpg", ["unpack.invalid_name"]),
    ("x" * 65, ["unpack.invalid_name"]),
    ("猫" * 22, ["unpack.invalid_name"]),  # 66 bytes in UTF-8
    ("a/b/c/d/e.jpg", ["unpack.invalid_name"]),
])
def test_name_findings(raw: str, expected: list[str]) -> None:
    assert [finding.rule for finding in name_findings(raw, LIMITS, directory=False)] == expected


@pytest.mark.parametrize("raw", ["", ".", "./", "a/"])
def test_folders_may_be_the_root(raw: str) -> None:
    assert name_findings(raw, LIMITS, directory=True) == []


@pytest.mark.parametrize(("raw", "path"), [
    ("a.jpg", "a.jpg"),
    ("./a/./b.jpg", "a/b.jpg"),
    ("a//b/", "a/b"),
    ("e\u0301.jpg", "\u00e9.jpg"),
])
def test_normalise(raw: str, path: str) -> None:
    assert normalise(raw) == path


@pytest.mark.parametrize(("path", "junk"), [
    ("__MACOSX/a/._b.jpg", True),
    ("a/__MACOSX/b.jpg", True),
    ("a/._b.jpg", True),
    (".DS_Store", True),
    ("a/.ds_store", True),
    ("a/Thumbs.db", True),
    ("desktop.ini", True),
    ("a/b.jpg", False),
    ("a/_b.jpg", False),
    ("a/.hidden.jpg", False),
    ("MACOSX/b.jpg", False),
    ("thumbs.db.jpg", False),
])
def test_is_junk(path: str, junk: bool) -> None:
    assert is_junk(path) is junk


@pytest.mark.parametrize(("raw", "shown"), [
    ("a/b.jpg", "a/b.jpg"),
    ("猫.jpg", "猫.jpg"),
    ("a\x00b", "a\\x00b"),
    ("a\nb", "a\\x0ab"),
    ("bad\udcff", "bad\\udcff"),
    ("gpj.\u202eexe", "gpj.\\u202eexe"),
    ("x" * 200, "x" * 200),
    ("x" * 201, "x" * 199 + "…"),
    ("\x00" * 100, "\\x00" * 49 + "\\x0…"),
])
def test_display_name(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_display_name_of_a_huge_name_is_cheap_and_short() -> None:
    assert len(display_name("\x01" * 10_000_000)) == 200


def test_path_registry() -> None:
    registry = PathRegistry()
    assert registry.admit("a/B.jpg") is None
    assert registry.admit("a/c.jpg") is None
    clashes = [registry.admit(path) for path in ["a/B.jpg", "A/b.JPG", "a/\u00df.jpg"]]
    assert [clash.rule if clash else None for clash in clashes] == [
        "unpack.duplicate_name", "unpack.case_collision", None]
    clash = registry.admit("a/SS.jpg")  # 'ß' casefolds to 'ss'
    assert clash is not None
    assert clash.rule == "unpack.case_collision"
