"""en_orgs: the vetoes that tell places, clubs and firms from names, on the production
spaCy pipeline. The texts are made up; each veto has a row it must drop and a row it must
leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymize.nlp import load_pipelines
from anonymize.recognizers.person import DEFAULT_EN_RULES, en_rules
from anonymize.recognizers.person.en_lexicon import english_lexicon, lexicon_from_words
from anonymize.recognizers.person.en_orgs import brand_compound
from anonymize.recognizers.person.en_tokens import Tokens

_FINDERS = tuple(r for r in DEFAULT_EN_RULES if r not in en_rules.VETOES)


def _found(text: str, rules: tuple[str, ...]) -> list[str]:
    doc = load_pipelines()["en"](text)
    spans = en_rules.person_spans(doc, text, rules, english_lexicon())
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("veto", "text", "span"),
    [
        ("listorg", "Trains to Arad , Oradea and Ploiesti stopped .", "Ploiesti"),
        ("placeword", "Supporters of Dinamo Galati sang .", "Dinamo Galati"),
        ("head", "Then Quendtby airport closed for a day.", "Quendtby"),
        ("compound", "Stonebridge , the app maker , hired two engineers.", "Stonebridge"),
        ("firm", "Hale, Moreno and Fischer\n12 Market Row", "Moreno"),
        ("club", "Ann Vink ( Quendtby ) , Bo Lind ( Tarnby )", "Quendtby"),
        ("table", "Stanley 2 York 0", "Stanley"),
        ("listorg", "Flights between Quendtby and Germany resumed .", "Quendtby"),
        ("nounend", "Zorblaxers won again .", "Zorblaxers"),
        ("appos", "He spoke to the weekly Quendtby about it .", "Quendtby"),
        ("saint", "DALLAS AT SAN ANTONIO", "ANTONIO"),
        ("affil", "Vlorsk Quendtby striker Ann Vink scored .", "Vlorsk Quendtby"),
        ("of", "Ann Vink of Bluewater said so .", "Bluewater"),
        ("street", "The shop is on Jonas Lindqvist 14 .", "Jonas Lindqvist"),
    ],
)
def test_veto_drops(veto: str, text: str, span: str) -> None:
    assert span in _found(text, _FINDERS)  # found by the rules, then dropped
    assert span not in _found(text, (*_FINDERS, veto))


@pytest.mark.parametrize(
    ("veto", "text", "span"),
    [
        ("placeword", "Tünde Hoffmann met Olga Galati.", "Olga Galati"),
        ("head", "The Clinton administration agreed.", "Clinton"),
        ("compound", "Then Quarmbyx arrived.", "Quarmbyx"),
        ("firm", "Hale, Moreno and Fischer arrived late.", "Moreno"),
        ("club", "Ann Vink ( Quendtby 71 ) scored.", "Quendtby"),
        ("table", "Ask Stanley about the 2 tickets .", "Stanley"),
        ("listorg", "Vink and Wilson met at noon.", "Vink"),
        ("nounend", "Quarmbyx won again .", "Quarmbyx"),
        ("appos", "He spoke to Quendtby about it .", "Quendtby"),
        ("saint", "DALLAS AT HOUSTON , ANTONIO SCORED", "ANTONIO"),
        ("affil", "Vlorsk Quendtby , striker , scored .", "Vlorsk Quendtby"),
        ("of", "a letter from the wife of Jonas Lind", "Jonas Lind"),
        ("street", "We relied on Jonas Lindqvist for 14 years .", "Jonas Lindqvist"),
    ],
)
def test_veto_keeps(veto: str, text: str, span: str) -> None:
    found = _found(text, (*_FINDERS, veto))
    assert any(span in f for f in found), found


def test_so_called_is_no_name_cue() -> None:
    assert _found("the so-called Tarnby rule", ("cue",)) == []
    assert _found("My friend is called Tarnby.", ("cue",)) == ["Tarnby"]


def test_cued_names_are_never_vetoed() -> None:
    text = "My name is Ploiesti Galati and I live here."
    assert _found(text, DEFAULT_EN_RULES) == ["Ploiesti Galati"]


@given(st.sampled_from(["blue", "water", "stone", "field"]),
       st.sampled_from(["house", "ridge", "light", "mark"]))
def test_brand_compound_splits_two_words(first: str, second: str) -> None:
    lexicon = lexicon_from_words([first, second])
    word = (first + second).capitalize()
    doc = load_pipelines()["en"](word)
    t = Tokens.of(doc, word, lexicon)
    assert brand_compound(t, 0, 1, lexicon)
    assert not brand_compound(t, 0, 1, lexicon_from_words([first]))
