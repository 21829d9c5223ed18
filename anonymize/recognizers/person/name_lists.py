"""Given names and surnames of many countries, from Faker's person providers (MIT licence).

Faker ships, per locale, the given names and surnames its fake people are made of: English,
Irish, Indian, Pakistani, Kenyan, Nigerian (Yoruba, Igbo, Hausa), Ghanaian (Twi), Zulu,
Arabic (romanised in the Algerian French locale), Chinese and Japanese in romanisation
(pinyin "Zhang", "Wei"), and the European languages. Only names written in Latin letters are
kept (diacritics included), lower-cased. The lists hold words that are also English words
or places ("Grace", "Berlin"): membership says "can be a name", and the rules decide with
the dictionary and the context.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Iterable

_LATIN_WORD = re.compile(r"[a-zà-ɏ]+(?:['’\-][a-zà-ɏ]+)*")
_MIN_LENGTH = 2


def _words(values: object) -> Iterable[str]:
    """The strings of a provider attribute: a tuple, or a dict of weights by name."""
    if isinstance(values, dict | tuple | list):
        for value in values:
            if isinstance(value, str):
                yield value


def _latin(words: Iterable[str]) -> frozenset[str]:
    lowered = (w.strip().lower() for w in words)
    return frozenset(w for w in lowered
                     if len(w) >= _MIN_LENGTH and _LATIN_WORD.fullmatch(w))


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
