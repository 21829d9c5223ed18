"""Places and organisations in Chinese text, from the LAC pass the person recognizer made.

Single place names (人民路, 海淀区) locate a person as surely as a full address; LAC tags
them LOC, and `place_spans` joins them with the numbers, directions and place nouns that
follow (西湖 3号, 法国 南部, 成都 展览馆). Organisation names (a school, an employer) are
quasi-identifiers; LAC tags ORG. A word LAC tagged PER while its own CRF, over all its
paths, held it rather a place's or an organisation's name (厦门|松芝|总经理) is reported here as
that: the person recognizer drops it (``zh_filters.place_or_organisation``), and what it
covers stays masked.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.recognizers.person import LacModel
from anonymize.recognizers.person.zh_filters import place_or_organisation
from anonymize.recognizers.zh_place_spans import Span, place_spans

LOCATION = "LOCATION"
ORGANIZATION = "ORGANIZATION"
SCORE = 0.6


class ChinesePlaceRecognizer(EntityRecognizer):
    ENTITIES = (LOCATION, ORGANIZATION)
    name: str

    def __init__(self, lac: LacModel, supported_language: str = "zh",
                 name: str = "ChinesePlaceRecognizer") -> None:
        self.lac = lac
        super().__init__(supported_entities=list(self.ENTITIES),
                         supported_language=supported_language, name=name)

    def load(self) -> None:
        """Nothing to do: the shared LAC model loads on first analysis."""

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        wanted = set(entities or self.ENTITIES)
        tokens = self.lac.analyze(text)
        found: list[tuple[str, Span]] = []
        if LOCATION in wanted:
            found += [(LOCATION, span) for span in place_spans(tokens)]
        if ORGANIZATION in wanted:
            position = 0
            for word, tag in tokens:
                if tag == "ORG" and len(word) > 1:
                    found.append((ORGANIZATION, (position, position + len(word))))
                position += len(word)
        found += [(entity, span) for entity, span in self._not_persons(text, tokens)
                  if entity in wanted]
        return [self._result(entity, start, end) for entity, (start, end) in found]

    def _not_persons(self, text: str,
                     tokens: list[tuple[str, str]]) -> list[tuple[str, Span]]:
        """LAC's PER words that its CRF held rather a place's or an organisation's name."""
        words, position = [], 0
        for word, tag in tokens:
            if tag == "PER" and len(word) > 1:
                words.append((position, position + len(word)))
            position += len(word)
        marginals = self.lac.marginals(text) if words else None
        if marginals is None:
            return []
        found = []
        for start, end in words:
            kind = place_or_organisation(marginals, start, end)
            if kind is not None:
                found.append((LOCATION if kind == "LOC" else ORGANIZATION, (start, end)))
        return found

    def _result(self, entity: str, start: int, end: int) -> RecognizerResult:
        tag = "LOC" if entity == LOCATION else "ORG"
        return RecognizerResult(
            entity_type=entity, start=start, end=end, score=SCORE,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name, original_score=SCORE,
                textual_explanation=f"LAC tagged {tag}"),
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name})
