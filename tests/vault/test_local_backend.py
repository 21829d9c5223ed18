"""Local-only behaviour: file permissions and the temporary directory."""

import stat
from pathlib import Path

from vault import LocalBackend


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    backend = LocalBackend(root)
    with backend.writer("datasets/d/items/0001") as destination:
        destination.write(b"x")
    assert mode(root / "datasets/d/items/0001") == 0o600
    for directory in (root, root / ".tmp", root / "datasets", root / "datasets/d/items"):
        assert mode(directory) == 0o700
    assert list((root / ".tmp").iterdir()) == []


def test_list_skips_the_temporary_directory(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    with backend.writer("datasets/d/raw") as destination:
        destination.write(b"x")
        assert len(list((tmp_path / ".tmp").iterdir())) == 1
        assert list(backend.list("")) == []
    assert list(backend.list("")) == ["datasets/d/raw"]
