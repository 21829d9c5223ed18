"""The pre-flight manifest: a folder and the same files in every archive type give the same
entries; images by size and digest, label files with their content up to the bound."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from airlock_client.errors import UsageError
from airlock_client.manifest import ManifestEntry, manifest_entries, manifest_lines
from tests.client.folders import write_folder

FILES = {
    "labels.csv": b"image,label,caption\nimages/a.jpg,cat,\xe5\xbc\xa0\xe4\xb8\x89\n",
    "images/a.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 9,
    "images/B.PNG": b"\x89PNG\r\n\x1a\n" + b"p" * 3000,
    "images/sub/c.webp": b"RIFF....WEBP",
    "notes/readme.md": b"hello",
    "big.json": b"{" + b" " * 5000 + b"}",
    "empty.txt": b"",
    "名前/図.tiff": b"II*\x00",
}
BOUND = 4096  # big.json is over it


def _folder(root: Path) -> Path:
    return write_folder(root, FILES)


def _archive(path: Path) -> Path:
    names = sorted(FILES, key=lambda n: n.encode())
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("images/", b"")  # a folder entry: no file
            for name in names:
                archive.writestr(name, FILES[name])
        return path
    with tarfile.open(path, "w:gz" if path.name.endswith(("gz", ".tgz")) else "w") as archive:
        folder = tarfile.TarInfo("images")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        link = tarfile.TarInfo("images/link.jpg")
        link.type, link.linkname = tarfile.SYMTYPE, "a.jpg"
        archive.addfile(link)  # left out: the full validation refuses it anyway
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = len(FILES[name])
            archive.addfile(info, io.BytesIO(FILES[name]))
    return path


def _expected() -> list[ManifestEntry]:
    images = (".jpg", ".png", ".webp", ".tiff")
    return [ManifestEntry(name, len(data), hashlib.sha256(data).hexdigest(),
                          None if name.lower().endswith(images) or len(data) > BOUND
                          else data)
            for name, data in sorted(FILES.items(), key=lambda item: item[0].encode())]


def test_a_folder_lists_every_file_sorted(tmp_path: Path) -> None:
    assert list(manifest_entries(_folder(tmp_path / "d"), BOUND)) == _expected()


@pytest.mark.parametrize("name", ["d.zip", "d.tar", "d.tar.gz", "d.tgz", "D.ZIP"])
def test_every_archive_type_gives_the_folders_entries(tmp_path: Path, name: str) -> None:
    archive = _archive(tmp_path / name)
    assert list(manifest_entries(archive, BOUND)) == \
        list(manifest_entries(_folder(tmp_path / "d"), BOUND))


def test_lines_are_the_wire_format(tmp_path: Path) -> None:
    lines = list(manifest_lines(manifest_entries(_folder(tmp_path / "d"), BOUND)))
    records = [json.loads(line) for line in lines]
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 and line.isascii()
               for line in lines)
    label = next(r for r in records if r["path"] == "labels.csv")
    assert base64.b64decode(label["content"]) == FILES["labels.csv"]
    assert {r["path"] for r in records if "content" not in r} == {
        "images/a.jpg", "images/B.PNG", "images/sub/c.webp", "名前/図.tiff", "big.json"}
    assert {tuple(sorted(r)) for r in records} <= {("path", "sha256", "size"),
                                                   ("content", "path", "sha256", "size")}


def test_the_same_lines_on_python_3_9(tmp_path: Path) -> None:
    """The manifest needs only the standard library: the oldest Python the client supports
    writes the same bytes."""
    root = _folder(tmp_path / "d")
    here = b"".join(manifest_lines(manifest_entries(root, BOUND)))
    src = Path(__file__).resolve().parents[2] / "client" / "src"
    script = ("import sys; from pathlib import Path; "
              "from airlock_client.manifest import manifest_entries, manifest_lines; "
              "sys.stdout.buffer.write(b''.join(manifest_lines(manifest_entries("
              f"Path(sys.argv[1]), {BOUND}))))")
    python39 = Path("/root/.pyenv/versions/3.9.18/bin/python")
    if not python39.exists():
        pytest.skip("no Python 3.9 here")
    done = subprocess.run([str(python39), "-c", script, str(root)], capture_output=True,
                          env={"PYTHONPATH": str(src)}, check=True, timeout=60)
    assert done.stdout == here


@pytest.mark.parametrize("name", ["d.rar", "d.zip", "d.tar.gz"])
def test_what_cannot_be_read_is_a_usage_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"not an archive at all")
    with pytest.raises(UsageError):
        list(manifest_entries(tmp_path / name))
