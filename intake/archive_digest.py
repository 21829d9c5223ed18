"""A multipart upload's whole SHA-256, followed while its parts arrive.

Completing an upload must hash the archive over its parts in order. Reading every part back
(decrypting it) at the end would put a second pass over the whole archive on the critical
path, so each process follows the digest as the parts come: a part that arrives when every
part before it is absorbed is hashed as it streams (a tee of the bytes the vault encrypts);
parts that came early are read back and absorbed as soon as the gap before them closes.
Completion then hashes only what was not absorbed.

The state is in memory and only saves work: after a restart, or when an absorbed part is
sent again, completion reads the parts back from the first one not absorbed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Hasher = Any
"""A hashlib SHA-256 object (hashlib exports no type for it)."""
ReadCopy = Callable[[str], Iterable[bytes]]
"""The plaintext of a stored part, by copy id."""
MAX_FOLLOWED = 4096
"""Uploads followed at once; beyond that, completion reads the parts back."""


@dataclass
class _Followed:
    next: int = 1
    """The first part not absorbed."""
    hasher: Hasher = field(default_factory=hashlib.sha256)
    copy_ids: list[str] = field(default_factory=list)
    """The absorbed parts' copies, in order."""


class DigestFollower:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._uploads: dict[str, _Followed] = {}
        self._catching_up: set[str] = set()

    def tee(self, upload_id: str, number: int) -> Hasher | None:
        """A hasher to feed part `number`'s bytes into as they stream, if every part before
        it is absorbed; None otherwise."""
        with self._lock:
            state = self._uploads.get(upload_id)
            if state is None and number == 1 and len(self._uploads) < MAX_FOLLOWED:
                state = self._uploads[upload_id] = _Followed()
            if state is None or state.next != number:
                return None
            return state.hasher.copy()

    def stored(self, upload_id: str, number: int, copy_id: str, teed: Hasher | None,
               replaced: bool) -> None:
        """Part `number` is registered as `copy_id`, fed into `teed` if `tee` gave one."""
        with self._lock:
            state = self._uploads.get(upload_id)
            if state is None:
                return
            if number < state.next:
                if replaced:  # the digest absorbed the copy this one replaces
                    del self._uploads[upload_id]
                return
            if teed is not None and number == state.next:
                self._absorb(state, teed, copy_id)

    def catch_up(self, upload_id: str, parts: Callable[[], Mapping[int, str]],
                 read: ReadCopy) -> None:
        """Absorb the stored parts that follow the absorbed ones, reading them back; one
        thread per upload does it, the others leave it to that one."""
        with self._lock:
            if upload_id not in self._uploads or upload_id in self._catching_up:
                return
            self._catching_up.add(upload_id)
        try:
            while self._absorb_next(upload_id, parts(), read):
                pass
        finally:
            with self._lock:
                self._catching_up.discard(upload_id)

    def digest(self, upload_id: str, copy_ids: tuple[str, ...], read: ReadCopy) -> str:
        """The archive's SHA-256 over `copy_ids`: the absorbed prefix from memory, the rest
        read back."""
        with self._lock:
            state = self._uploads.get(upload_id)
            known = len(state.copy_ids) if state is not None else 0
            if state is not None and tuple(state.copy_ids) == copy_ids[:known]:
                hasher = state.hasher.copy()
            else:
                hasher, known = hashlib.sha256(), 0
        for copy_id in copy_ids[known:]:
            for chunk in read(copy_id):
                hasher.update(chunk)
        return str(hasher.hexdigest())

    def forget(self, upload_id: str) -> None:
        with self._lock:
            self._uploads.pop(upload_id, None)

    def _absorb_next(self, upload_id: str, parts: Mapping[int, str], read: ReadCopy) -> bool:
        with self._lock:
            state = self._uploads.get(upload_id)
            if state is None or state.next not in parts:
                return False
            number, hasher = state.next, state.hasher.copy()
        copy_id = parts[number]
        for chunk in read(copy_id):
            hasher.update(chunk)
        with self._lock:
            if self._uploads.get(upload_id) is not state or state.next != number:
                return False
            self._absorb(state, hasher, copy_id)
            return True

    @staticmethod
    def _absorb(state: _Followed, hasher: Hasher, copy_id: str) -> None:
        state.hasher = hasher
        state.next += 1
        state.copy_ids.append(copy_id)


FOLLOWER = DigestFollower()
"""This process's: the API's part and completion handlers share it."""
