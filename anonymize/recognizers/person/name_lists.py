"""Given names and surnames of many countries, and place names, from Faker's person and
address providers (MIT licence).

Faker ships, per locale, the given names and surnames its fake people are made of: English,
Irish, Indian, Pakistani, Kenyan, Nigerian (Yoruba, Igbo, Hausa), Ghanaian (Twi), Zulu,
Arabic (romanised in the Algerian French locale), Chinese and Japanese in romanisation
(pinyin "Zhang", "Wei"), and the European languages. Only names written in Latin letters are
kept (diacritics included), lower-cased. The lists hold words that are also English words
or places ("Grace", "Berlin"): membership says "can be a name", and the rules decide with
the dictionary and the context. Places: the countries of the world and the cities, towns,
states and regions of Faker's locales, where they are real (Faker's invented English
cities, "Lake Michael", are made of prefixes and suffixes, not listed).

The lists are derived once from the pinned Faker by `faker_names` and shipped as files:
reading them costs milliseconds, importing Faker's locales a third of a second per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from anonymize.recognizers.person.faker_names import FILES


def _read(path: Path) -> frozenset[str]:
    return frozenset(path.read_text(encoding="utf-8").splitlines())


@functools.cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), lower case, over every locale Faker ships."""
    return _read(FILES["given"]), _read(FILES["surnames"])


@functools.cache
def all_names() -> frozenset[str]:
    """Given names and surnames together."""
    given, surnames = name_lists()
    return given | surnames


@functools.cache
def place_names() -> frozenset[str]:
    """Countries, cities, towns, states and regions, lower case, Latin letters."""
    return _read(FILES["places"])
