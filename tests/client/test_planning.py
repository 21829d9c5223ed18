"""The resume arithmetic: parts as the server splits them, what is missing, the waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airlock_client import planning

sizes = st.integers(1, 10**13)
part_sizes = st.integers(1, 10**10)


@given(size=sizes, part_size=part_sizes)
def test_parts_tile_the_archive_exactly(size: int, part_size: int) -> None:
    total = planning.parts_total(size, part_size)
    # Many parts are checked at the ends; the middle is the same formula.
    numbers = [1, 2, total - 1, total] if total > 2000 else list(range(1, total + 1))
    ranges = [planning.part_range(n, size, part_size) for n in numbers]
    assert ranges[0][0] == 0
    assert sum(ranges[-1]) == size
    for (offset, length), number in zip(ranges, numbers, strict=True):
        assert offset == (number - 1) * part_size
        assert 0 < length <= part_size
        assert length == part_size or number == total


@given(size=st.integers(1, 10**6), part_size=st.integers(1, 10**5))
def test_part_numbers_outside_the_upload_are_refused(size: int, part_size: int) -> None:
    total = planning.parts_total(size, part_size)
    for number in (0, total + 1):
        with pytest.raises(ValueError, match="outside"):
            planning.part_range(number, size, part_size)


@given(data=st.data(), size=st.integers(1, 10**7), part_size=st.integers(1, 10**6))
def test_missing_parts_are_those_not_received_whole(data: st.DataObject, size: int,
                                                    part_size: int) -> None:
    part_size = max(part_size, -(-size // planning.MAX_PARTS))  # the server's bound on parts
    total = planning.parts_total(size, part_size)
    numbers = st.integers(1, total) if total <= 500 else st.integers(1, 500)
    got = data.draw(st.sets(numbers, max_size=50))
    wrong = data.draw(st.sets(numbers, max_size=5))
    stray = data.draw(st.lists(st.integers(-3, total + 3).filter(
        lambda n: not 1 <= n <= total), max_size=3))
    received = [(n, planning.part_range(n, size, part_size)[1]) for n in got]
    received += [(n, planning.part_range(n, size, part_size)[1] + 1) for n in wrong - got]
    received += [(n, 1) for n in stray]
    missing = planning.missing_parts(size, part_size, received)
    assert missing == sorted(set(range(1, total + 1)) - got)
    assert planning.received_bytes(size, part_size, received) == sum(
        planning.part_range(n, size, part_size)[1] for n in got)


@given(size=sizes)
def test_a_fitting_part_size_keeps_within_the_servers_bounds(size: int) -> None:
    part_size = planning.fitting_part_size(size, planning.DEFAULT_PART_SIZE)
    assert planning.MIN_PART_SIZE <= part_size <= planning.MAX_PART_SIZE
    if size <= planning.MAX_PART_SIZE * planning.MAX_PARTS:
        assert planning.parts_total(size, part_size) <= planning.MAX_PARTS


@given(attempt=st.integers(1, 10_000), jitter=st.floats(0, 1),
       retry_after=st.one_of(st.none(), st.floats(0, 10**6)))
def test_waits_grow_are_capped_and_honour_retry_after(attempt: int, jitter: float,
                                                      retry_after: float | None) -> None:
    wait = planning.backoff(attempt, jitter, retry_after)
    ceiling = min(2 ** (min(attempt, 40) - 1), planning.LONGEST_WAIT)
    assert ceiling / 2 <= wait or retry_after is not None
    assert wait <= max(planning.LONGEST_WAIT, planning.LONGEST_RETRY_AFTER)
    if retry_after is not None:
        assert wait >= min(retry_after, planning.LONGEST_RETRY_AFTER)
    else:
        assert wait <= ceiling


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert planning.parse_retry_after("7") == 7.0
    assert planning.parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True),
                                      now) == 30.0
    assert planning.parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True),
                                      now) == 0.0
    for unreadable in (None, "", "soon", "-3"):
        assert planning.parse_retry_after(unreadable) is None
