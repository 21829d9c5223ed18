"""Reading one entry: limits on what is produced, whatever the header said; damage handling."""

from __future__ import annotations

import io
import zipfile
from typing import IO

import pytest

from intake.problems import Problems
from intake.unpack import ArchiveEntry, UnpackLimits
from intake.unpack.budget import Budget
from intake.unpack.entry import EntrySource


def entry(content: bytes | Exception, declared: int, damage_ends_archive: bool = False,
          limits: UnpackLimits | None = None) -> tuple[ArchiveEntry, Budget, Problems]:
    def open_content() -> IO[bytes]:
        if isinstance(content, Exception):
            raise content
        return io.BytesIO(content)

    problems = Problems()
    budget = Budget(limits or UnpackLimits(), archive_size=10**6, problems=problems)
    source = EntrySource(open_content, damage_ends_archive)
    return ArchiveEntry("a/b.jpg", declared, 0, source, budget, problems), budget, problems


def rules(problems: Problems) -> list[tuple[str, str | None]]:
    return [(problem.rule, problem.file) for problem in problems.kept]


def test_reads_the_whole_content() -> None:
    archive_entry, _, problems = entry(b"x" * 3000, 3000)
    assert archive_entry.read(3000) == b"x" * 3000
    assert problems.kept == []


def test_more_bytes_than_declared_stop_at_the_limit() -> None:
    archive_entry, _, problems = entry(b"x" * 5000, 10)
    assert archive_entry.read(4000) is None
    assert rules(problems) == [("unpack.entry_too_large", "a/b.jpg")]


def test_fewer_bytes_than_declared() -> None:
    archive_entry, _, problems = entry(b"x" * 10, 5000)
    assert archive_entry.read(8000) is None
    assert rules(problems) == [("unpack.corrupt_entry", "a/b.jpg")]


@pytest.mark.parametrize("limit", [99, 10**9])
def test_declared_size_over_the_limit_is_not_read(limit: int) -> None:
    archive_entry, _, problems = entry(RuntimeError("must not be opened"), 100,
                                       limits=UnpackLimits(max_entry_bytes=99))
    assert archive_entry.read(limit) is None
    assert rules(problems) == [("unpack.entry_too_large", "a/b.jpg")]


def test_damage_in_a_zip_entry_spares_the_archive() -> None:
    archive_entry, budget, problems = entry(zipfile.BadZipFile("Bad CRC-32"), 10)
    assert archive_entry.read(100) is None
    assert rules(problems) == [("unpack.corrupt_entry", "a/b.jpg")]
    assert not budget.halted


def test_damage_in_a_tar_entry_ends_the_archive() -> None:
    archive_entry, budget, problems = entry(EOFError("truncated"), 10, damage_ends_archive=True)
    assert archive_entry.read(100) is None
    assert rules(problems) == [("unpack.corrupt_archive", "a/b.jpg")]
    assert budget.halted


def test_total_produced_ends_the_archive() -> None:
    archive_entry, budget, problems = entry(b"x" * 5000, 5000,
                                            limits=UnpackLimits(max_total_bytes=4000))
    assert archive_entry.read(10_000) is None
    assert rules(problems) == [("unpack.total_size_exceeded", "a/b.jpg")]
    assert budget.halted


def test_nested_archive_is_a_warning_and_not_handed_out() -> None:
    inner = io.BytesIO()
    zipfile.ZipFile(inner, "w").close()
    archive_entry, _, problems = entry(inner.getvalue(), len(inner.getvalue()))
    assert archive_entry.read(100) is None
    assert [(p.rule, p.severity.value) for p in problems.kept] == [
        ("unpack.nested_archive", "warning")]


def test_programming_errors_propagate() -> None:
    archive_entry, _, _ = entry(TypeError("a bug"), 10)
    with pytest.raises(TypeError, match="a bug"):
        archive_entry.read(100)
