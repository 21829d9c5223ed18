"""Each limit, at a size a test can afford; and the accounting behind them."""

from __future__ import annotations

import pytest

from intake.problems import Problems
from intake.unpack import ArchiveFormat, UnpackLimits
from intake.unpack.budget import RATIO_GRACE_BYTES, Budget
from intake.unpack.errors import Fatal
from intake.unpack.rules import RATIO_EXCEEDED, TOO_MANY_ENTRIES, TOTAL_SIZE_EXCEEDED
from tests.intake.unpack.support import build, unpack

FILES = {f"img/{index}.jpg": bytes([index]) * 4000 for index in range(5)}


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_too_many_entries(archive_format: ArchiveFormat) -> None:
    result = unpack(build(archive_format, FILES), UnpackLimits(max_entries=3))
    assert result.rules == {TOO_MANY_ENTRIES}
    # A zip's count is known from its directory before anything is handed out; a tar's only
    # as it goes.
    assert len(result.contents) == (0 if archive_format is ArchiveFormat.ZIP else 3)


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_exactly_max_entries_pass(archive_format: ArchiveFormat) -> None:
    result = unpack(build(archive_format, FILES), UnpackLimits(max_entries=5))
    assert result.problems.kept == []
    assert result.read == FILES


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_total_size(archive_format: ArchiveFormat) -> None:
    result = unpack(build(archive_format, FILES), UnpackLimits(max_total_bytes=10_000))
    assert result.rules == {TOTAL_SIZE_EXCEEDED}
    assert len(result.read) <= 2


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_entry_size(archive_format: ArchiveFormat) -> None:
    files = {**FILES, "img/big.jpg": b"b" * 5000}
    result = unpack(build(archive_format, files), UnpackLimits(max_entry_bytes=4500))
    assert result.rules == {"unpack.entry_too_large"}
    assert result.files("unpack.entry_too_large") == ["img/big.jpg"]
    assert result.read == FILES


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_name_length_and_depth(archive_format: ArchiveFormat) -> None:
    files = {"a" * 41: b"1", "b/c/d/e.jpg": b"2", "ok.jpg": b"3"}
    result = unpack(build(archive_format, files),
                    UnpackLimits(max_name_bytes=40, max_path_depth=3))
    assert result.rules == {"unpack.invalid_name"}
    assert result.files("unpack.invalid_name") == ["a" * 41, "b/c/d/e.jpg"]
    assert result.read == {"ok.jpg": b"3"}


@pytest.mark.parametrize("archive_format", list(ArchiveFormat))
def test_ratio_is_a_limit_too(archive_format: ArchiveFormat) -> None:
    files = {"zeros.bin": bytes(4 * RATIO_GRACE_BYTES), "ok.jpg": b"3"}
    strict = unpack(build(archive_format, files), UnpackLimits(max_ratio=2))
    lenient = unpack(build(archive_format, files), UnpackLimits(max_ratio=10_000))
    expected = set() if archive_format is ArchiveFormat.TAR else {RATIO_EXCEEDED}
    assert strict.rules == expected
    assert lenient.problems.kept == []


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        UnpackLimits(max_entries=0)


def test_budget_counts_produced_bytes_whatever_was_declared() -> None:
    budget = Budget(UnpackLimits(max_total_bytes=100), archive_size=100, problems=Problems())
    budget.declare(10)
    budget.produce(100)
    with pytest.raises(Fatal) as raised:
        budget.produce(1)
    assert raised.value.rule == TOTAL_SIZE_EXCEEDED


def test_budget_checks_the_overall_ratio() -> None:
    budget = Budget(UnpackLimits(max_ratio=2), archive_size=RATIO_GRACE_BYTES,
                    problems=Problems())
    budget.produce(2 * RATIO_GRACE_BYTES)
    with pytest.raises(Fatal) as raised:
        budget.produce(1)
    assert raised.value.rule == RATIO_EXCEEDED


def test_halt_records_once() -> None:
    problems = Problems()
    budget = Budget(UnpackLimits(), archive_size=1, problems=problems)
    budget.halt(Fatal(TOO_MANY_ENTRIES, "too many"), file="x.jpg")
    assert budget.halted
    assert [(p.rule, p.file) for p in problems.kept] == [(TOO_MANY_ENTRIES, "x.jpg")]
