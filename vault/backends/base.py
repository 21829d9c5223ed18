"""The storage backend interface and the locator rules every backend enforces."""

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import BinaryIO, Protocol

from vault.errors import InvalidLocatorError

MAX_LOCATOR_LENGTH = 512
MAX_SEGMENT_LENGTH = 255  # NAME_MAX on common filesystems
# A leading dot is refused too: it rules out "." and "..", hidden files and the local
# backend's temporary files (".partial-…") in one rule.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class Backend(Protocol):
    """Where ciphertext objects live; locators are relative names such as "datasets/<id>/raw"."""

    @property
    def name(self) -> str: ...

    def writer(self, locator: str) -> AbstractContextManager[BinaryIO]:
        """Write an object: committed atomically on clean exit, nothing left on exception."""
        ...

    def reader(self, locator: str) -> AbstractContextManager[BinaryIO]:
        """Read an object; raises ObjectNotFoundError if absent."""
        ...

    def delete(self, locator: str) -> int:
        """Remove every stored version of the object; returns how many were removed."""
        ...

    def list(self, prefix: str) -> Iterator[str]:
        """Every locator starting with `prefix` (a string prefix), in no guaranteed order."""
        ...

    def delete_prefix(self, prefix: str) -> Iterator[dict[str, int]]:
        """Remove every version of every object under `prefix`, in as few requests as the
        backend allows; yields the versions removed per locator, a batch at a time, each
        once it is deleted (nothing if there is none)."""
        ...

    def list_partial(self, prefix: str) -> Iterator[str]:
        """Writes under the folder `prefix` (ending in '/') that never completed, left by a
        process killed mid-write (temporary files, unfinished multipart uploads)."""
        ...

    def delete_partial(self, prefix: str) -> int:
        """Remove those writes; returns how many were removed."""
        ...

    def exists(self, locator: str) -> bool: ...

    def check(self) -> None:
        """Raise VaultError unless objects can be written now (readiness probes)."""
        ...


def validate_locator(locator: str) -> str:
    """Return `locator` if it is a safe relative name, else raise InvalidLocatorError."""
    if not locator or len(locator) > MAX_LOCATOR_LENGTH:
        raise InvalidLocatorError(
            f"locator must be 1 to {MAX_LOCATOR_LENGTH} characters long, got {len(locator)}"
        )
    for segment in locator.split("/"):
        if len(segment) > MAX_SEGMENT_LENGTH or not _SEGMENT.fullmatch(segment):
            raise InvalidLocatorError(
                f"invalid locator {locator!r}: each '/'-separated segment must match "
                f"[A-Za-z0-9._-]+, not start with '.', and be at most "
                f"{MAX_SEGMENT_LENGTH} characters"
            )
    return locator


def validate_prefix(prefix: str) -> str:
    """A list prefix: empty, or a locator optionally followed by '/'."""
    if prefix:
        validate_locator(prefix.removesuffix("/"))
    return prefix
