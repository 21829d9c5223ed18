"""Token lists and word tests of the English person rules, and the run of name words."""

from __future__ import annotations

import pytest
from spacy.language import Language

from anonymize.nlp import load_pipelines
from anonymize.recognizers.person.en_lexicon import english_lexicon
from anonymize.recognizers.person.en_tokens import Tokens
from anonymize.recognizers.person.en_words import name_run


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline: Language = load_pipelines()["en"]
    return pipeline


def _tokens(nlp: Language, text: str) -> Tokens:
    return Tokens.of(nlp(text), text, english_lexicon())


@pytest.mark.parametrize("text", ["Dr. Émile Zola met   John in Paris on 5 May 2020.\nHi", "", "x"])
def test_lists_match_spacy_tokens(nlp: Language, text: str) -> None:
    doc = nlp(text)
    t = _tokens(nlp, text)
    assert t.n == len(doc)
    assert t.words == [x.text for x in doc]
    assert t.lower == [x.lower_ for x in doc]
    assert t.starts == [x.idx for x in doc]
    assert t.spaced == [bool(x.whitespace_) for x in doc]
    assert t.labels == [x.ent_type_ for x in doc]
    assert t.begins == [x.ent_iob_ == "B" for x in doc]
    assert t.stop == [x.is_stop for x in doc]
    assert t.numeric == [x.like_num for x in doc]


@pytest.mark.parametrize(
    ("word", "cap", "initial", "unknown", "namelike"),
    [
        ("Åsa", True, False, True, True),
        ("Živković", True, False, True, True),
        ("O'Brien", True, False, True, True),
        ("Ó", True, True, False, True),
        ("J.", True, True, False, True),
        ("Heather", True, False, False, True),  # a given name the dictionary also knows
        ("Answer", True, False, False, False),
        ("The", True, False, False, False),
        ("NATO", False, False, False, False),
        ("ann", False, False, False, False),
        ("R2D2", False, False, False, False),
    ],
)
def test_word_tests(nlp: Language, word: str, cap: bool, initial: bool, unknown: bool,
                    namelike: bool) -> None:
    text = f"see {word} here"
    t = _tokens(nlp, text)
    i = t.words.index(word)
    assert (t.cap[i], t.initial[i], t.unknown[i], t.namelike[i]) == (cap, initial, unknown,
                                                                      namelike)


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("see Maika van de Noort today", 1, "Maika van de Noort"),
        ("see Sirpa Hauta-aho today", 1, "Sirpa Hauta-aho"),
        ("see Soren B. Nielsen today", 1, "Soren B. Nielsen"),
        ("see Soren B. today", 1, "Soren"),  # a name does not end in an initial
        ("see Anna Maria Rosa Lucia Bianca", 1, "Anna Maria Rosa Lucia"),  # four words at most
        ("see Ann van the", 1, "Ann"),  # a particle joins only before a name word
        # no-match rows
        ("at Kent Street", 1, ""),  # an address
        ("see ann", 1, ""),
        ("see NATO", 1, ""),
    ],
)
def test_name_run(nlp: Language, text: str, start: int, expected: str) -> None:
    t = _tokens(nlp, text)
    end = name_run(t, start)
    assert (text[t.starts[start] : t.starts[end - 1] + len(t.words[end - 1])]
            if end > start else "") == expected
