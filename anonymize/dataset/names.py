"""File and folder names: a name like `张三_身份证.jpg` must not survive into the copy.

Each path component is analysed like any text (its extension apart); every entity found is
replaced by the policy's operator and a short keyed tag, so that distinct originals
(张三.jpg, 张伟.jpg) stay distinct files (张某-1f3a9c02.jpg, 张某-8be0d415.jpg) while the
same component always gets the same name — labels that reference a file are rewritten with
the same function and still point at it. The tag is an HMAC under the job's key, which is
discarded afterwards. Characters that are not safe in file names become `_`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from anonymize.dataset.pool import TextPool
from anonymize.dataset.tally import PATH_FIELD, Tally
from anonymize.text import Rewritten

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_SEPARATORS = re.compile(r"([/\\])")
_TAG_DOMAIN = b"airlock.path\x00"
# Camera and sequence names (IMG_0001, DSC01234, frame-000123, 000042) carry no identity,
# and the English model tags some of them as places. Longer digit runs may be phone or ID
# numbers: those go to the analyser.
_SEQUENCE = re.compile(r"(?:[A-Za-z]{1,10}[ _-]?)?[0-9]{1,6}")
_WORD_SEPARATORS = str.maketrans("_-.", "   ")


def split_extension(component: str) -> tuple[str, str]:
    match = _EXTENSION.search(component)
    if match is None or match.start() == 0:
        return component, ""
    return component[:match.start()], match.group()


class PathNamer:
    """Component-wise renaming, cached: each distinct component is analysed once."""

    def __init__(self, pool: TextPool, key: bytes, fixed: frozenset[str], tally: Tally,
                 enabled: bool = True) -> None:
        self._pool = pool
        self._key = key
        self._fixed = fixed
        self._tally = tally
        self._enabled = enabled
        self._names: dict[str, str] = {}

    def prepare(self, paths: Iterable[str]) -> None:
        """Analyse, in one batch, the components of `paths` not seen yet."""
        if not self._enabled:
            return
        stems: dict[str, str] = {}
        for path in paths:
            for part in _SEPARATORS.split(path):
                if part in ("/", "\\", "") or part in self._fixed or part in self._names:
                    continue
                stem = split_extension(part)[0]
                if _SEQUENCE.fullmatch(stem):
                    self._names[part] = part
                else:
                    stems[part] = stem
        # Separators read as spaces (same length, so offsets hold): `张三_身份证`, `john-smith`.
        results = self._pool.rewrite([s.translate(_WORD_SEPARATORS) for s in stems.values()])
        for (component, stem), result in zip(stems.items(), results, strict=True):
            self._names[component] = self._name(component, stem, result)

    def rename(self, path: str, keep_prefix: str = "") -> str:
        """`path` with every component renamed; `keep_prefix` (the contract's dataset root)
        stays as it is. Separators (`/`, and `\\` in Windows paths inside labels) are kept."""
        if not self._enabled or not path.startswith(keep_prefix):
            return path
        rest = path[len(keep_prefix):]
        self.prepare([rest])
        return keep_prefix + "".join(self._names.get(part, part)
                                     for part in _SEPARATORS.split(rest))

    def _name(self, component: str, stem: str, result: Rewritten) -> str:
        changed = [r for r in result.replacements if r.replacement != r.original]
        if not changed:
            return component
        self._tally.add(PATH_FIELD, tuple(changed))
        pieces, last = [], 0
        for r in changed:
            tag = hmac.new(self._key, _TAG_DOMAIN + r.type.encode() + b"\x00" +
                           r.original.encode(), hashlib.sha256).hexdigest()[:8]
            pieces += [stem[last:r.start], _UNSAFE.sub("_", r.replacement), "-", tag]
            last = r.end
        pieces.append(stem[last:])
        return "".join(pieces) + component[len(stem):]
