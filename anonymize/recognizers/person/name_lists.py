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
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterable

# Lower-case Latin letters (ASCII and the Latin-1, Extended-A and -B blocks) and the marks
# inside names ("O'Neil", "Lahti-oja").
_LATIN_LETTERS = frozenset(chr(c) for c in [*range(0x61, 0x7b), *range(0xdf, 0x250)]
                           if chr(c).isalpha() and chr(c).islower())
_LATIN_CHARS = _LATIN_LETTERS | frozenset("'’-")
_MIN_LENGTH = 2


def _words(values: object) -> Iterable[str]:
    """The strings of a provider attribute: a tuple, or a dict of weights by name."""
    if isinstance(values, dict | tuple | list):
        for value in values:
            if isinstance(value, str):
                yield value


def _latin(words: Iterable[str]) -> frozenset[str]:
    """Lower case, in Latin letters (a set difference per word: 150,000 words at start-up)."""
    lowered = {w.strip().lower() for w in words}
    return frozenset(w for w in lowered if len(w) >= _MIN_LENGTH and w[0].isalpha()
                     and w[-1].isalpha() and not set(w) - _LATIN_CHARS)


@functools.cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), lower case, over every locale Faker ships."""
    import faker.providers.person as person

    given: list[str] = []
    surnames: list[str] = []
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            if attribute.startswith(("first_name", "first_romanized_name")):
                given.extend(_words(getattr(provider, attribute)))
            elif attribute.startswith(("last_name", "last_romanized_name")):
                surnames.extend(_words(getattr(provider, attribute)))
    return _latin(given), _latin(surnames)


@functools.cache
def all_names() -> frozenset[str]:
    """Given names and surnames together."""
    given, surnames = name_lists()
    return given | surnames


_PLACE_CHARS = _LATIN_CHARS | {" "}
_PLACE_ATTRIBUTES = ("countries", "cities", "city_names", "real_city_names", "towns", "states",
                     "provinces", "regions", "region_names")


@functools.cache
def place_names() -> frozenset[str]:
    """Countries, cities, towns, states and regions, lower case, Latin letters."""
    import faker.providers.address as address

    places: list[str] = []
    for module in pkgutil.iter_modules(address.__path__):
        provider = importlib.import_module(f"{address.__name__}.{module.name}").Provider
        for attribute in _PLACE_ATTRIBUTES:
            places.extend(_words(getattr(provider, attribute, ())))
    # Latin letters: one pass of a set difference, not a regex per word (30,000 places).
    lowered = {p.strip().lower() for p in places}
    return frozenset(p for p in lowered if len(p) >= _MIN_LENGTH and not set(p) - _PLACE_CHARS)
