"""ContextOnlyEnhancer: Presidio's lemma enhancer, without copying results it cannot change."""

from __future__ import annotations

from typing import Any, cast

import pytest
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from anonymize.enhancer import ContextOnlyEnhancer
from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines

TEXT = "my card number is 4111 and Ann Lee called"


@pytest.fixture(scope="module")
def engine() -> OfflineSpacyNlpEngine:
    return OfflineSpacyNlpEngine(load_pipelines())


def _recognizers() -> tuple[PatternRecognizer, PatternRecognizer]:
    with_context = PatternRecognizer(supported_entity="CARD", context=["card"],
                                     patterns=[Pattern("card", r"\d{4}", 0.3)])
    without = PatternRecognizer(supported_entity="NAME",
                                patterns=[Pattern("name", r"Ann Lee", 0.6)])
    return with_context, without


def _results(recognizers: tuple[EntityRecognizer, ...]) -> list[RecognizerResult]:
    return [r for rec in recognizers
            for r in rec.analyze(TEXT, rec.supported_entities, cast(Any, None))]


@pytest.mark.parametrize("context", [None, ["card"], ["nothing"]])
def test_same_scores_as_presidios(engine: OfflineSpacyNlpEngine, context: list[str] | None
                                  ) -> None:
    recognizers = _recognizers()
    artifacts = engine.process_text(TEXT, "en")
    ours = ContextOnlyEnhancer().enhance_using_context(
        TEXT, _results(recognizers), artifacts, list(recognizers), context)
    theirs = LemmaContextAwareEnhancer().enhance_using_context(
        TEXT, _results(recognizers), artifacts, list(recognizers), context)
    assert sorted((r.entity_type, r.start, r.score) for r in ours) \
        == sorted((r.entity_type, r.start, r.score) for r in theirs)
    assert any(r.score > 0.3 for r in ours if r.entity_type == "CARD")  # "card" precedes


def test_results_without_context_words_pass_through(engine: OfflineSpacyNlpEngine) -> None:
    _, without = _recognizers()
    results = _results((without,))
    out = ContextOnlyEnhancer().enhance_using_context(
        TEXT, results, engine.process_text(TEXT, "en"), [without])
    assert out is results  # not copied
