"""en_orgs: the vetoes that tell places, clubs and firms from names, on the production
spaCy pipeline. The texts are made up; each veto has a row it must drop and a row it must
leave alone."""

from __future__ import annotations

import pytest

from anonymize.nlp import load_pipelines
from anonymize.recognizers.person import DEFAULT_EN_RULES, en_rules
from anonymize.recognizers.person.en_lexicon import english_lexicon

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
        ("listorg", "Flights between Quendtby and Germany resumed .", "Quendtby"),
        ("appos", "He spoke to the weekly Quendtby about it .", "Quendtby"),
        ("affil", "Vlorsk Quendtby striker Ann Vink scored .", "Vlorsk Quendtby"),
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
        ("listorg", "Vink and Wilson met at noon.", "Vink"),
        ("appos", "He spoke to Quendtby about it .", "Quendtby"),
        ("affil", "Vlorsk Quendtby , striker , scored .", "Vlorsk Quendtby"),
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
