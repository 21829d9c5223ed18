"""Paths written inside labels: refusing unsafe ones and finding the image they mean."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_PATH_CHARS = 1024


def join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p.strip("/"))


def safe_relative(path: str) -> str | None:
    """`path` normalised, or None when it is absolute, climbs out (`..`) or is not POSIX."""
    if (not path or len(path) > MAX_PATH_CHARS or path.startswith("/") or "\\" in path
            or "\x00" in path or _DRIVE.match(path)):
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def under(path: str, folder: str) -> str | None:
    """`path` relative to `folder`, or None when it is not inside it."""
    if not folder:
        return path
    return path[len(folder) + 1:] if path.startswith(folder + "/") else None


def stem(path: str) -> str:
    return posixpath.splitext(path)[0]


class ImageIndex:
    """The upload's images, looked up by path or by path without extension.

    References are relative to `root/images_dir`. With no `images_dir` the contract lets
    images sit anywhere under the root, so a reference that misses also matches one image
    whose path ends with it (e.g. `labels/a.txt` -> `images/a.jpg`), if exactly one does.
    """

    def __init__(self, image_paths: Iterable[str], root: str, images_dir: str) -> None:
        self.base = join(root, images_dir)
        self._anywhere = not images_dir.strip("/")
        prefix = root.strip("/") + "/" if root.strip("/") else ""
        self._paths = frozenset(p for p in image_paths if p.startswith(prefix))
        self._by_stem: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}  # last component without extension
        for path in sorted(self._paths):
            self._by_stem.setdefault(stem(path), []).append(path)
            self._by_name.setdefault(posixpath.basename(stem(path)), []).append(path)

    def find(self, rel: str) -> str | None:
        path = join(self.base, rel)
        if path in self._paths:
            return path
        return self._elsewhere(stem(rel), lambda p: p == rel or p.endswith("/" + rel))

    def find_stem(self, rel_stem: str) -> str | None:
        """Same path with any extension; the first in sorted order if several."""
        found = self._by_stem.get(join(self.base, rel_stem))
        if found:
            return found[0]
        return self._elsewhere(rel_stem, lambda p: stem(p) == rel_stem
                               or stem(p).endswith("/" + rel_stem))

    def _elsewhere(self, rel_stem: str, matches: Callable[[str], bool]) -> str | None:
        if not self._anywhere:
            return None
        hits = [p for p in self._by_name.get(posixpath.basename(rel_stem), ()) if matches(p)]
        return hits[0] if len(hits) == 1 else None
