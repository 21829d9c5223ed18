"""`upload`'s options: part sizes as people write them, and the part size asked for."""

from __future__ import annotations

import pytest

from airlock_client import planning
from airlock_client.commands.upload import _part_size_for, parse_size
from airlock_client.errors import UsageError
from airlock_client.output import Output

QUIET = Output(quiet=True)


@pytest.mark.parametrize(("text", "size"), [("33554432", 32 * 2**20), ("32M", 32 * 2**20),
                                            ("32MiB", 32 * 2**20), ("8mb", 8 * 2**20),
                                            ("1G", 2**30), ("512k", 512 * 1024)])
def test_sizes_are_read_in_powers_of_1024(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "1.5G", "-1", "32 MB extra", "1T"])
def test_other_sizes_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_size(text)


def test_the_default_part_size_is_raised_only_when_the_archive_needs_larger_parts() -> None:
    assert _part_size_for(10 * 2**30, None, QUIET) == planning.DEFAULT_PART_SIZE
    huge = 2 * planning.DEFAULT_PART_SIZE * planning.MAX_PARTS
    chosen = _part_size_for(huge, None, QUIET)
    assert chosen > planning.DEFAULT_PART_SIZE
    assert planning.parts_total(huge, chosen) <= planning.MAX_PARTS
    assert _part_size_for(10 * 2**30, 8 * 2**20, QUIET) == 8 * 2**20
    raised = _part_size_for(huge, 8 * 2**20, QUIET)
    assert planning.parts_total(huge, raised) <= planning.MAX_PARTS
