"""A small AnalyzerEngine for Chinese built from the zh_structured recognizers, on the
production NLP engine (a blank spaCy "zh" pipeline: character segmentation, no NER)."""

from __future__ import annotations

from typing import Any, cast

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry

from anonymize.nlp import OfflineSpacyNlpEngine


def zh_analyzer(recognizers: list[EntityRecognizer]) -> AnalyzerEngine:
    """An AnalyzerEngine for "zh" text that runs exactly the given recognizers."""
    nlp_engine = OfflineSpacyNlpEngine({"zh": spacy.blank("zh")})
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["zh"])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["zh"])


def spans(recognizer: EntityRecognizer, text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) of what the recognizer reports on its own, without NLP artifacts."""
    results = recognizer.analyze(text, entities=recognizer.supported_entities,
                                 nlp_artifacts=cast(Any, None))
    return sorted((r.start, r.end) for r in results)


def where(text: str, *parts: str) -> list[tuple[int, int]]:
    """Code-point spans of the given substrings of text (the expected answers)."""
    return sorted((text.index(p), text.index(p) + len(p)) for p in parts)
