"""en_places: a name-shaped span that the word before it makes a place."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymize.recognizers.person.en_places import place_by_context

_NAME = st.from_regex(r"[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9})?", fullmatch=True)


def _is_place(text: str, name: str) -> bool:
    start = text.index(name)
    return place_by_context(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name", "place"),
    [
        ("I am in Tarnby for a week.", "Tarnby", True),
        ("a farm near Oskar Hill", "Oskar Hill", True),
        ("We met in Ann's house.", "Ann", False),
        ("Send it to Tarnby in March.", "Tarnby", False),
        ("Lena joined in.", "Lena", False),
    ],
)
def test_place_by_context(text: str, name: str, place: bool) -> None:
    assert _is_place(text, name) == place


@given(_NAME, st.sampled_from(["said", "wrote", "and Mary", "asked"]))
def test_name_after_a_verb_is_no_place(name: str, after: str) -> None:
    assert not _is_place(f"Then {name} {after} it.", name)


@given(_NAME)
def test_name_after_in_is_a_place(name: str) -> None:
    assert _is_place(f"We stayed in {name} for a week.", name)
