"""EnglishPersonRecognizer and its rules, on the production spaCy pipeline (entities only).

The texts are made up; each rule is tested on its own (without spaCy's entities) with
rows it must find and rows it must leave alone.
"""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines
from anonymize.recognizers.person import EnglishPersonRecognizer, en_rules
from anonymize.recognizers.person.en_lexicon import english_lexicon
from anonymize.recognizers.person.en_tokens import Tokens, brand_shaped


@pytest.fixture(scope="module")
def engine() -> OfflineSpacyNlpEngine:
    return OfflineSpacyNlpEngine({"en": load_pipelines()["en"]})


def _names(engine: OfflineSpacyNlpEngine, text: str) -> list[str]:
    results = EnglishPersonRecognizer().analyze(text, ["PERSON"], engine.process_text(text, "en"))
    return [text[r.start : r.end] for r in results]


def _rule(engine: OfflineSpacyNlpEngine, text: str, rule: str) -> list[str]:
    """What one rule finds on its own (the span rules read spaCy's PERSON entities)."""
    t = Tokens.of(engine.get_nlp("en")(text), text, english_lexicon())
    if rule in en_rules.TOKEN_RULES:
        spans = en_rules.TOKEN_RULES[rule](t)
    else:
        spans = en_rules.SPAN_RULES[rule](t, en_rules.ner_person(t))
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Emily Watson joined the team.", ["Emily Watson"]),
        ("Mrs. Okonkwo-Bassey arrived.", ["Okonkwo-Bassey"]),
        ("Thanks, Jennifer Lawrence-Smith said.", ["Jennifer Lawrence-Smith"]),
        ("Ask Sarah about it.", ["Sarah"]),
        ("My name is vitoria", ["vitoria"]),
        ("Name: Åsa Lindqvist\nPhone: 083 564 9312", ["Åsa Lindqvist"]),
        # no-match rows
        ("Apple released a new phone.", []),
        ("The meeting is in May.", []),
        ("He moved to 82 Zachary Cliffs last year.", []),
        ("The Hartley Inc board met.", []),
        ("Words like Patience and Honesty are virtues.", []),
        ("Terms like Courage and Discipline matter.", []),
        ("", []),
    ],
)
def test_person_spans(engine: OfflineSpacyNlpEngine, text: str, expected: list[str]) -> None:
    assert _names(engine, text) == expected


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("extend", "Wilhelmina van der Oest will speak today", "Wilhelmina van der Oest"),
        ("extend", "Then Sirpa Lahti-oja spoke .", "Sirpa Lahti-oja"),
        ("title", "Lt. Okafor Nwosu arrived today.", "Okafor Nwosu"),
        ("title", "Please ask Prof. Quillfeather about the exam.", "Quillfeather"),
        ("given", "I spoke with Margaret yesterday.", "Margaret"),
        ("cue", "She was named Xiomara at birth.", "Xiomara"),
        ("cue", "Name:    Quillon Abernethy", "Quillon Abernethy"),
        ("cue", "What's your first name? Thandiwe", "Thandiwe"),
        ("cue", "my name is vitoria", "vitoria"),
        ("said", '"We are ready," says Lahti-oja.', "Lahti-oja"),
        ("said", "Marguerite Oyelaran said the vote was close.", "Marguerite Oyelaran"),
        ("speaker", "Orsolya: Where were you? Bram: Out.", "Orsolya"),
        ("speaker", 'Wendeline: "Who are you?"', "Wendeline"),
        ("line", "Kind regards,\nBartholomeus Quendt", "Bartholomeus Quendt"),
        ("line", ">Ilse Marijke Oudeman\n>Widget Works", "Ilse Marijke Oudeman"),
        ("line", "Regards,\nQuendt Vandermolen-Szabadi", "Quendt Vandermolen-Szabadi"),
        ("bracket", "Tjaarda Vink ( Ghana ) 10.12", "Tjaarda Vink"),
        ("bracket", "Leeds 2 ( Vandermolen 71st ) Hull 1", "Vandermolen"),
        ("unknown", "Please add Ingeborg Szabadi as a beneficiary", "Ingeborg Szabadi"),
        ("unknown", "Quarmbyx was not available for comment .", "Quarmbyx"),
        ("unknown", "Kuwait - Jassem Al-Huwaidi 9 , 44", "Jassem Al-Huwaidi"),
        ("unknown", "We met Orsolya Lahti-oja today .", "Orsolya Lahti-oja"),
        ("repeat", "Call Ilse Oudeman. Oudeman will answer.", "Oudeman"),
    ],
)
def test_rule_finds(engine: OfflineSpacyNlpEngine, rule: str, text: str, expected: str) -> None:
    assert expected in _rule(engine, text, rule)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("extend", "Ann Lee and the van"),
        ("title", "The General Assembly met."),
        ("given", "He moved to 82 Zachary Cliffs."),
        ("cue", "It is called a day."),
        ("said", "Police said nothing."),
        ("speaker", "Answer: yes. Note: none."),
        ("line", "Customer Service\nOpening Hours"),
        ("bracket", "Update to Windows ( 10 ) now."),
        ("unknown", "I work for Socratix."),
        ("unknown", "Vlorsk 20 9 8 3 27 22 35"),
        ("unknown", "Vlorsk 2 Quendtby 1"),
        ("unknown", "They moved here from Vlorsk."),
        ("unknown", "Words like Patience and Honesty are virtues."),
        ("unknown", "Opening Hours"),
        ("repeat", "Oudeman and Oudeman"),
    ],
)
def test_rule_does_not_match(engine: OfflineSpacyNlpEngine, rule: str, text: str) -> None:
    assert _rule(engine, text, rule) == []


@pytest.mark.parametrize(
    ("rule", "text", "addresses", "dropped"),
    [
        ("filter", "HAMBURG 1996-12-06", (), "HAMBURG"),
        ("address", "Send it to Vandermolen Zuidhove 188 please", ((11, 34),),
         "Vandermolen Zuidhove"),
    ],
)
def test_filters(engine: OfflineSpacyNlpEngine, rule: str, text: str,
                 addresses: tuple[tuple[int, int], ...], dropped: str) -> None:
    doc = engine.get_nlp("en")(text)
    lexicon = english_lexicon()
    before = en_rules.person_spans(doc, text, ("unknown",), lexicon, addresses)
    assert dropped in [text[s.start : s.end] for s in before]  # found, then dropped
    after = en_rules.person_spans(doc, text, ("unknown", rule), lexicon, addresses)
    assert dropped not in [text[s.start : s.end] for s in after]


def test_address_rule_reads_the_other_recognizers_results(
        engine: OfflineSpacyNlpEngine) -> None:
    text = "Send it to Vandermolen Zuidhove 188 please"
    artifacts = engine.process_text(text, "en")
    recognizer = EnglishPersonRecognizer()
    found = recognizer.analyze(text, ["PERSON"], artifacts)
    assert [text[r.start : r.end] for r in found] == ["Vandermolen Zuidhove"]
    address = RecognizerResult("ADDRESS", 11, 35, 0.5)
    assert recognizer.enhance_using_context(text, found, [address], artifacts) == []
    without_rule = EnglishPersonRecognizer(rules=["unknown"])
    assert without_rule.enhance_using_context(text, found, [address], artifacts) == found


def test_requires_nlp_artifacts() -> None:
    assert EnglishPersonRecognizer().analyze("Dr. Emily Watson", ["PERSON"], None) == []


def test_unknown_rule_rejected() -> None:
    with pytest.raises(ValueError, match="unknown"):
        EnglishPersonRecognizer(rules=["nope"])


@pytest.mark.parametrize(("text", "kept"), [
    ("Call 13812345678 John Smith", True),  # a phone number, then the name
    ("4821 Maria Hilton Drive", False),  # a house number, then the street
])
def test_filter_tells_house_numbers_from_phone_numbers(engine: OfflineSpacyNlpEngine,
                                                       text: str, kept: bool) -> None:
    t = Tokens.of(engine.get_nlp("en")(text), text, english_lexicon())
    names = [text[s.start:s.end] for s in en_rules.ner_person(t, strict=True)]
    raw = [text[s.start:s.end] for s in en_rules.ner_person(t)]
    if kept:
        assert names == ["John Smith"]
    else:
        assert names == [] and raw  # spaCy's span, dropped by the filter


@pytest.mark.parametrize(("word", "brand"), [
    ("DotA", True), ("PlayStation", True), ("NBALive", True), ("SoZ", True),
    # no-match rows: names with a prefix, ordinary names
    ("McDonald", False), ("MacArthur", False), ("DeShawn", False), ("LeBron", False),
    ("DiCaprio", False), ("O'Neil", False), ("Smith", False), ("Øyvind", False),
])
def test_brand_shaped(word: str, brand: bool) -> None:
    assert brand_shaped(word) is brand


@pytest.mark.parametrize(("text", "span", "common"), [
    ("They will play Rapid Vienna next week.", "Rapid Vienna", True),  # an adjective
    ("The Collective Harvest office opened.", "Collective Harvest", True),
    # no-match rows: a noun-only dictionary word (WordNet's famous people and surnames),
    # a listed name, an unknown word
    ("Mussolini Galley spoke.", "Mussolini Galley", False),
    ("Rapid Smith spoke.", "Rapid Smith", False),
    ("Rapid Quarmbyx spoke.", "Rapid Quarmbyx", False),
])
def test_common_words_are_no_names(engine: OfflineSpacyNlpEngine, text: str, span: str,
                                   common: bool) -> None:
    t = Tokens.of(engine.get_nlp("en")(text), text, english_lexicon())
    start = t.starts.index(text.index(span))
    end = start + len(span.split())
    assert en_rules._common_words(t, start, end) is common
