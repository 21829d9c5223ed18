"""`batched` splits any sequence into lists of at most the batch size, in order, taking no
more from its source than one batch ahead."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog import batched


@given(items=st.lists(st.integers()), size=st.integers(min_value=1, max_value=1500))
def test_batches_join_back_into_the_input(items: list[int], size: int) -> None:
    batches = list(batched(items, size))
    assert [item for batch in batches for item in batch] == items
    assert len(batches) == math.ceil(len(items) / size)
    assert all(len(batch) == size for batch in batches[:-1])
    assert all(0 < len(batch) <= size for batch in batches)


@given(count=st.integers(min_value=0, max_value=3000),
       size=st.sampled_from([1, 2, 999, 1000, 1001]))
def test_a_source_is_read_one_batch_at_a_time(count: int, size: int) -> None:
    taken = 0

    def source() -> Iterator[int]:
        nonlocal taken
        for n in range(count):
            taken += 1
            yield n

    for index, batch in enumerate(batched(source(), size)):
        assert taken == min(count, (index + 1) * size)
        assert batch == list(range(index * size, min(count, (index + 1) * size)))


@pytest.mark.parametrize("size", [0, -1])
def test_a_batch_size_below_one_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], size))
