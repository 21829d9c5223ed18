"""The shipped name and place lists are what `faker_names` derives from the pinned Faker."""

from __future__ import annotations

import faker

from anonymize.recognizers.person import faker_names
from anonymize.recognizers.person.name_lists import all_names, name_lists, place_names


def test_faker_is_the_pinned_version() -> None:
    assert faker.VERSION == faker_names.FAKER_VERSION


def test_shipped_files_match_the_derivation() -> None:
    derived = faker_names.derive()
    for kind, path in faker_names.FILES.items():
        assert path.read_text(encoding="utf-8") == faker_names.render(derived[kind]), kind


def test_lists_read_from_the_files() -> None:
    derived = faker_names.derive()
    assert name_lists() == (derived["given"], derived["surnames"])
    assert place_names() == derived["places"]
    assert all_names() == derived["given"] | derived["surnames"]
    assert {"berlin", "kenya"} <= place_names()
