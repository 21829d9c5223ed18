"""Derives the name and place lists (``data/*.txt``, read by `name_lists`) from Faker's
person and address providers (MIT licence).

Importing every locale provider of Faker took a third of a second at each start of a
process, for lists that change only with Faker's version; they are derived here once and
shipped as sorted word lists, one per line. Regenerate after changing the Faker pin:

    python -m anonymize.recognizers.person.faker_names

and tests/anonymize/person/test_name_lists.py checks the files against this derivation.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from pathlib import Path

FAKER_VERSION = "40.63.0"  # the pin in pyproject.toml the shipped lists come from
DATA = Path(__file__).with_name("data")
FILES = {"given": DATA / "given_names.txt", "surnames": DATA / "surnames.txt",
         "places": DATA / "places.txt"}

# Lower-case Latin letters (ASCII and the Latin-1, Extended-A and -B blocks) and the marks
# inside names ("O'Neil", "Lahti-oja").
_LATIN_LETTERS = frozenset(chr(c) for c in [*range(0x61, 0x7b), *range(0xdf, 0x250)]
                           if chr(c).isalpha() and chr(c).islower())
_LATIN_CHARS = _LATIN_LETTERS | frozenset("'’-")
_PLACE_CHARS = _LATIN_CHARS | {" "}
_MIN_LENGTH = 2
_PLACE_ATTRIBUTES = ("countries", "cities", "city_names", "real_city_names", "towns", "states",
                     "provinces", "regions", "region_names")


def _words(values: object) -> Iterable[str]:
    """The strings of a provider attribute: a tuple, or a dict of weights by name."""
    if isinstance(values, dict | tuple | list):
        for value in values:
            if isinstance(value, str):
                yield value


def _latin(words: Iterable[str]) -> frozenset[str]:
    """Lower case, in Latin letters."""
    lowered = {w.strip().lower() for w in words}
    return frozenset(w for w in lowered if len(w) >= _MIN_LENGTH and w[0].isalpha()
                     and w[-1].isalpha() and not set(w) - _LATIN_CHARS)


def derive() -> dict[str, frozenset[str]]:
    """Given names and surnames over every locale Faker ships, and its real places
    (countries, cities, towns, states, regions), lower case, Latin letters."""
    import faker.providers.address as address
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
    places: list[str] = []
    for module in pkgutil.iter_modules(address.__path__):
        provider = importlib.import_module(f"{address.__name__}.{module.name}").Provider
        for attribute in _PLACE_ATTRIBUTES:
            places.extend(_words(getattr(provider, attribute, ())))
    lowered = {p.strip().lower() for p in places}
    return {"given": _latin(given), "surnames": _latin(surnames),
            "places": frozenset(p for p in lowered if len(p) >= _MIN_LENGTH
                                and not set(p) - _PLACE_CHARS)}


def render(words: frozenset[str]) -> str:
    """The file text of a list: sorted, one word per line."""
    return "".join(f"{w}\n" for w in sorted(words))


def main() -> None:
    import faker

    if faker.VERSION != FAKER_VERSION:
        raise SystemExit(f"Faker {faker.VERSION} installed; update FAKER_VERSION with the pin")
    DATA.mkdir(exist_ok=True)
    for kind, words in derive().items():
        FILES[kind].write_text(render(words), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
