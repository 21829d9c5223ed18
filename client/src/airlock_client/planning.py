"""The arithmetic of a resumable upload, kept pure so it can be tested on its own: how an
archive splits into parts (as the server splits it), which parts the server still lacks,
and how long to wait before trying again."""

from __future__ import annotations

import email.utils
import math
from collections.abc import Iterable
from datetime import datetime, timezone

MIB = 1024 * 1024
DEFAULT_PART_SIZE = 32 * MIB
MIN_PART_SIZE = MIB
MAX_PART_SIZE = 1024 * MIB
MAX_PARTS = 10_000

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0
LONGEST_RETRY_AFTER = 300.0
"""A server's Retry-After is honoured up to five minutes."""


def parts_total(size: int, part_size: int) -> int:
    return math.ceil(size / part_size)


def part_range(number: int, size: int, part_size: int) -> tuple[int, int]:
    """(offset, length) of part `number` (from 1): every part is `part_size` bytes but the
    last, which holds the rest."""
    if not 1 <= number <= parts_total(size, part_size):
        raise ValueError(f"part {number} is outside the upload")
    offset = (number - 1) * part_size
    return offset, min(part_size, size - offset)


def missing_parts(size: int, part_size: int, received: Iterable[tuple[int, int]]) -> list[int]:
    """The part numbers still to send, ascending, given the server's (number, size) list; a
    listed part of the wrong size (or number) counts as missing."""
    total = parts_total(size, part_size)
    held = {number for number, length in received
            if 1 <= number <= total and length == part_range(number, size, part_size)[1]}
    return [number for number in range(1, total + 1) if number not in held]


def received_bytes(size: int, part_size: int, received: Iterable[tuple[int, int]]) -> int:
    missing = missing_parts(size, part_size, received)
    return size - sum(part_range(n, size, part_size)[1] for n in missing)


def fitting_part_size(size: int, wanted: int) -> int:
    """`wanted` within the server's bounds, raised if the archive would need more than
    MAX_PARTS parts."""
    smallest = math.ceil(size / MAX_PARTS) if size else MIN_PART_SIZE
    return min(max(wanted, smallest, MIN_PART_SIZE), MAX_PART_SIZE)


def backoff(attempt: int, jitter: float, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt `attempt` (from 1): doubling from FIRST_WAIT up
    to LONGEST_WAIT, scaled by `jitter` in [0, 1] into its upper half (so clients that failed
    together do not return together); at least the server's Retry-After."""
    ceiling = min(FIRST_WAIT * (1 << min(max(attempt - 1, 0), 32)), LONGEST_WAIT)
    wait = ceiling * (0.5 + jitter / 2)
    if retry_after is not None:
        wait = max(wait, min(retry_after, LONGEST_RETRY_AFTER))
    return wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """An HTTP Retry-After (seconds, or a date) as seconds from now; None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)
