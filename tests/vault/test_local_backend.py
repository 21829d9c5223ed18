"""Local-only behaviour: file permissions and temporary files."""

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
    for directory in (root, root / "datasets", root / "datasets/d/items"):
        assert mode(directory) == 0o700
    assert list(root.rglob(".*")) == []


def test_a_write_in_progress_is_a_hidden_file_beside_its_target(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    with backend.writer("datasets/d/raw") as destination:
        destination.write(b"x")
        [temp] = (tmp_path / "datasets/d").iterdir()
        assert temp.name.startswith(".partial-") and mode(temp) == 0o600
        assert list(backend.list("")) == []
        assert list(backend.list_partial("datasets/d/")) == [f"datasets/d/{temp.name}"]
    assert list(backend.list("")) == ["datasets/d/raw"]
    assert list(backend.list_partial("")) == []


def test_an_aborted_first_write_leaves_no_folder(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    try:
        with backend.writer("datasets/d/raw") as destination:
            destination.write(b"x")
            raise KeyError
    except KeyError:
        pass
    assert list(tmp_path.iterdir()) == []


def test_the_folder_of_older_versions_is_not_listed(tmp_path: Path) -> None:
    (tmp_path / ".tmp").mkdir()
    (tmp_path / ".tmp" / "tmpabc").write_bytes(b"x")
    assert list(LocalBackend(tmp_path).list("")) == []
