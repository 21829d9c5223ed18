"""Paths that would land on the same file: exact duplicates and case-insensitive twins."""

from __future__ import annotations

import unicodedata

from intake.unpack.rules import CASE_COLLISION, DUPLICATE_NAME, Finding


class PathRegistry:
    """The normalised paths admitted so far in one archive."""

    def __init__(self) -> None:
        self._by_folded: dict[str, str] = {}

    def admit(self, path: str) -> Finding | None:
        """Records `path`, or returns why it clashes with an earlier one."""
        # casefold() can denormalise (e.g. 'ǰ'), so normalise again after it.
        folded = unicodedata.normalize("NFC", path.casefold())
        earlier = self._by_folded.get(folded)
        if earlier == path:
            return Finding(DUPLICATE_NAME, "same path as an earlier entry")
        if earlier is not None:
            return Finding(CASE_COLLISION,
                           "differs from an earlier path only in letter case; the two would "
                           "overwrite each other on macOS and Windows")
        self._by_folded[folded] = path
        return None
