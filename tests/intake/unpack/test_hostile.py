"""Every hostile case reports exactly its rule, for the right file, and gives nothing away."""

from __future__ import annotations

import pytest

from intake.unpack import UNPACK_RULES
from intake.unpack.rules import CORRUPT_ARCHIVE, EMPTY, NOT_AN_ARCHIVE, TOTAL_SIZE_EXCEEDED
from tests.intake.unpack.hostile import GOOD_DATA, GOOD_NAME, HOSTILE_ARCHIVES, HOSTILE_FILES
from tests.intake.unpack.support import unpack

# Content an archive may legitimately hand out next to its hostile entry (the first of two
# clashing names wins).
HARMLESS = {GOOD_DATA, b"first", b"upper", b"composed"}
# The archive cannot be read past the problem, so the good entry may not come out.
ENDS_ARCHIVE = {NOT_AN_ARCHIVE, CORRUPT_ARCHIVE, TOTAL_SIZE_EXCEEDED, EMPTY}


def test_cases_use_known_rules() -> None:
    assert {rule for _, rule in HOSTILE_ARCHIVES.values()} <= UNPACK_RULES
    assert set(HOSTILE_FILES) <= set(HOSTILE_ARCHIVES)


@pytest.mark.parametrize("case", sorted(HOSTILE_ARCHIVES))
def test_hostile_archive(case: str) -> None:
    build, rule = HOSTILE_ARCHIVES[case]
    result = unpack(build())
    assert result.rules == {rule}, [p.model_dump() for p in result.problems.kept]
    if case in HOSTILE_FILES:
        assert HOSTILE_FILES[case] in result.files(rule)
    if case != "lying_size_tar":  # a tar header's size is only found to lie after the entry
        assert set(result.read.values()) <= HARMLESS
    if rule not in ENDS_ARCHIVE and case != "tar_gz_bomb":
        assert result.read[GOOD_NAME] == GOOD_DATA
    assert result.source.all_closed
