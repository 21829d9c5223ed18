"""The PII analyser: Presidio's engine with Airlock's recognizers, Chinese and English.

Built once per process (loading spaCy and LAC takes about a second) and passed to whoever
needs it. Texts are analysed in batches through `nlp.pipe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from anonymize.language import languages_of
from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines
from anonymize.recognizers.en_address import EnglishAddressRecognizer
from anonymize.recognizers.en_phone import EnglishPhoneRecognizer
from anonymize.recognizers.person import LacModel, person_recognizers
from anonymize.recognizers.zh_places import ChinesePlaceRecognizer
from anonymize.recognizers.zh_structured import ZhEmailRecognizer, zh_structured_recognizers

DEFAULT_THRESHOLD = 0.0


@dataclass(frozen=True)
class Detection:
    type: str
    start: int
    end: int
    score: float


def build_registry(nlp_engine: OfflineSpacyNlpEngine, lac: LacModel) -> RecognizerRegistry:
    """Presidio's English recognizers, less the two that reach the network or miss China,
    plus Airlock's Chinese structured and person recognizers: an explicit list."""
    registry = RecognizerRegistry(supported_languages=["en", "zh"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    # EmailRecognizer validates with tldextract, which downloads its suffix list at first
    # use; PhoneRecognizer (libphonenumber, one pass per region: a third of the recognizer
    # time) is replaced by EnglishPhoneRecognizer, which finds what it found and the
    # formats it rejects (CN numbers included); spaCy's PERSON spans are
    # replaced by EnglishPersonRecognizer, which filters and extends them. Its other
    # entities stay: recall first (a name spaCy calls an organisation is still covered).
    for name in (EmailRecognizer.__name__, PhoneRecognizer.__name__,
                 SpacyRecognizer.__name__):
        registry.remove_recognizer(name)
    registry.add_recognizer(SpacyRecognizer(
        supported_entities=[e for e in SpacyRecognizer.ENTITIES if e != "PERSON"]))
    registry.add_recognizer(ZhEmailRecognizer(supported_language="en",
                                              supported_entity="EMAIL_ADDRESS",
                                              name="OfflineEmailRecognizer"))
    for recognizer in (*zh_structured_recognizers(), *person_recognizers(lac),
                       ChinesePlaceRecognizer(lac), EnglishAddressRecognizer(),
                       EnglishPhoneRecognizer()):
        registry.add_recognizer(recognizer)
    return registry


class PiiEngine:
    def __init__(self, analyzer: AnalyzerEngine, batch_size: int = 64,
                 threshold: float = DEFAULT_THRESHOLD) -> None:
        self._analyzer = analyzer
        self._batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        self._batch_size = batch_size
        self._threshold = threshold

    def detect(self, texts: Sequence[str], language: str = "auto") -> list[list[Detection]]:
        """Entities per text (code-point offsets, end exclusive), in text order."""
        found: list[list[Detection]] = [[] for _ in texts]
        by_language: dict[str, list[int]] = {}
        for index, text in enumerate(texts):
            for lang in languages_of(text, language):
                by_language.setdefault(lang, []).append(index)
        for lang, indexes in by_language.items():
            results = self._batch.analyze_iterator(
                [texts[i] for i in indexes], language=lang, batch_size=self._batch_size,
                score_threshold=self._threshold)
            for index, result in zip(indexes, results, strict=True):
                found[index].extend(_detections(result))
        return [_merge(detections) for detections in found]


def _detections(results: Iterable[Any]) -> list[Detection]:
    return [Detection(r.entity_type, r.start, r.end, round(float(r.score), 4)) for r in results]


def _merge(detections: list[Detection]) -> list[Detection]:
    """One detection per (type, span), the highest score; spans inside a same-type span go."""
    best: dict[tuple[str, int, int], Detection] = {}
    for d in detections:
        key = (d.type, d.start, d.end)
        if key not in best or d.score > best[key].score:
            best[key] = d
    kept = sorted(best.values(), key=lambda d: (d.start, -d.end))
    return [d for d in kept if not any(o is not d and o.type == d.type and o.start <= d.start
                                           and d.end <= o.end for o in kept)]


def build_engine(lac: LacModel | None = None) -> PiiEngine:
    """Load the models (from installed packages) and assemble the engine."""
    nlp_engine = OfflineSpacyNlpEngine(load_pipelines())
    registry = build_registry(nlp_engine, lac or LacModel())
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                              supported_languages=["en", "zh"])
    return PiiEngine(analyzer)
