"""The English dictionary read from the installed spaCy model's lemmatizer tables."""

from __future__ import annotations

import pytest

from anonymize.recognizers.person.en_lexicon import Lexicon, english_lexicon, lexicon_from_words


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("Answer", True),
        ("discipline", True),
        ("Tales", True),  # plural, by the suffix rules
        ("running", True),  # -ing form
        ("geese", True),  # irregular form, from the exceptions table
        ("The", False),  # stop words are not in WordNet (the rules check them apart)
        ("Szöllösy", False),
        ("Quarmbyx", False),
        ("", False),
    ],
)
def test_english_lexicon(word: str, known: bool) -> None:
    assert english_lexicon().knows(word) is known


def test_english_lexicon_is_loaded_once() -> None:
    assert english_lexicon() is english_lexicon()
    assert len(english_lexicon().lemmas) > 50_000


@pytest.mark.parametrize(
    ("word", "known"),
    [("cat", True), ("Cats", True), ("dogs", False), ("s", False), ("cats!", False)],
)
def test_suffix_rules(word: str, known: bool) -> None:
    assert lexicon_from_words(["cat"]).knows(word) is known


def test_an_empty_suffix_rule_is_ignored() -> None:
    assert not Lexicon(["cat"], [("", ""), ("s", "")]).knows("dog")


def test_words_that_are_not_only_nouns() -> None:
    lexicon = english_lexicon()
    assert {"discipline", "humble"} <= lexicon.not_nouns
    assert not {"galley", "orchestra"} & lexicon.not_nouns
