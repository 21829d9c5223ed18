"""English dictionary words, from the tables of the installed spaCy model's lemmatizer.

The small English model ships WordNet's index of nouns, verbs, adjectives and adverbs
(88,000 lemmas) with the suffix rules and irregular forms that map a word to them. Airlock
does not run the lemmatizer; it reads the tables once to tell a capitalised dictionary
word ("Answer", "Patience", "Stories") from one no dictionary knows ("Quarmbyx",
"Szabadi"), which is most often a name. WordNet also holds many common surnames
("smith", "walker"): membership says "could be a word", never "is not a name".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any


@functools.cache
def english_lexicon() -> Lexicon:
    """The lexicon of the installed, digest-checked English model (loaded once)."""
    from spacy.lookups import Lookups

    from anonymize.nlp import english_model_dir, verify_english_model

    verify_english_model()
    tables = Lookups().from_disk(english_model_dir() / "lemmatizer" / "lookups")
    return Lexicon.from_tables(tables.get_table("lemma_index"), tables.get_table("lemma_exc"),
                               tables.get_table("lemma_rules"))


class Lexicon:
    """Lower-case dictionary lemmas, their irregular forms, and the suffix rules."""

    def __init__(self, lemmas: Iterable[str], rules: Iterable[tuple[str, str]],
                 not_nouns: Iterable[str] = ()) -> None:
        self.lemmas = frozenset(lemmas)
        # Lemmas that are also verbs, adjectives or adverbs ("discipline", "humble"):
        # WordNet's famous people and surnames ("galley", "baker") are nouns only.
        self.not_nouns = frozenset(not_nouns)
        # Longest suffix first; an empty suffix would make every word known.
        self.rules = tuple(sorted({(old, new) for old, new in rules if old},
                                  key=lambda r: -len(r[0])))
        # Names and words recur across texts; the suffix rules are the costly part.
        self.knows = functools.lru_cache(maxsize=1 << 16)(self._knows)

    @classmethod
    def from_tables(cls, index: Any, exceptions: Any, rules: Any) -> Lexicon:
        from spacy.strings import get_string_id

        lemmas: set[str] = set()
        not_nouns: set[str] = set()
        for part, words in index.items():
            alpha = [w for w in words if w.isalpha()]
            lemmas.update(alpha)
            if part != get_string_id("noun"):
                not_nouns.update(alpha)
        for forms in exceptions.values():
            lemmas.update(w for w in forms if w.isalpha())
        return cls(lemmas, [(old, new) for pairs in rules.values() for old, new in pairs],
                   not_nouns)

    def _knows(self, word: str) -> bool:
        """``word`` (any case) is a dictionary word or an inflection of one."""
        low = word.lower()
        if low in self.lemmas:
            return True
        return any(low.endswith(old) and low[: -len(old)] + new in self.lemmas
                   for old, new in self.rules if len(low) > len(old))


def lexicon_from_words(words: Iterable[str]) -> Lexicon:
    """A lexicon of the given words (plural -s only): for tests."""
    return Lexicon((w.lower() for w in words), [("s", "")])
