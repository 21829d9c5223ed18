"""Ids and references given on the command line, checked before they go into a URL path."""

from __future__ import annotations

from airlock_client.errors import UsageError

MAX_CHARS = 200
ALLOWED = frozenset("-_.@")


def path_segment(value: str) -> str:
    """`value` as one path segment: letters, digits and `-_.@` (a contract's `name@v`),
    nothing that could climb or add to the path."""
    if not value or len(value) > MAX_CHARS or value in (".", "..") or \
            not all((ch.isalnum() and ch.isascii()) or ch in ALLOWED for ch in value):
        raise UsageError(f"{value[:MAX_CHARS]!r} is not an id or reference")
    return value
