"""Places and organisations in Chinese text, from the LAC pass the person recognizer made.

Single place names (文汇路, 海淀区) locate a person as surely as a full address; LAC tags
them LOC. Organisation names (a school, an employer) are quasi-identifiers; LAC tags ORG.
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.recognizers.person import LacModel

_TAGS = {"LOC": "LOCATION", "ORG": "ORGANIZATION"}
SCORE = 0.6


class ChinesePlaceRecognizer(EntityRecognizer):
    ENTITIES = ("LOCATION", "ORGANIZATION")
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
        results = []
        position = 0
        for word, tag in self.lac.analyze(text):
            entity = _TAGS.get(tag)
            if entity in wanted and len(word) > 1:
                results.append(RecognizerResult(
                    entity_type=entity, start=position, end=position + len(word), score=SCORE,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=self.name, original_score=SCORE,
                        textual_explanation=f"LAC tagged {tag}"),
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
            position += len(word)
        return results
