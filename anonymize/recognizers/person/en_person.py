"""English PERSON recognizer: spaCy NER (from Presidio's NLP artifacts) plus name rules."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.recognizers.person import en_rules
from anonymize.recognizers.person.spans import Span

DEFAULT_EN_RULES: tuple[str, ...] = ("filter", "extend", "title", "given", "cue")
"""Rules kept after measurement on bench/person_eval.py."""


class EnglishPersonRecognizer(EntityRecognizer):
    """PERSON spans in English text.

    Reads the spaCy ``Doc`` that Presidio's ``SpacyNlpEngine`` already produced (tagger +
    NER), so it adds no model of its own. Use it *instead of* the PERSON output of
    Presidio's ``SpacyRecognizer`` (keep that one for LOCATION, ORGANIZATION, ...), so
    that the ``filter`` rule can veto spaCy's implausible PERSON spans.
    """

    ENTITIES = ("PERSON",)
    name: str

    def __init__(
        self,
        rules: Sequence[str] = DEFAULT_EN_RULES,
        supported_language: str = "en",
        name: str = "EnglishPersonRecognizer",
    ) -> None:
        self.rules = tuple(rules)
        self.validate()
        super().__init__(
            supported_entities=list(self.ENTITIES),
            supported_language=supported_language,
            name=name,
        )

    def validate(self) -> None:
        unknown = set(self.rules) - set(en_rules.ALL_RULES)
        if unknown:
            raise ValueError(f"unknown English person rules: {sorted(unknown)}")

    def load(self) -> None:
        """Nothing to load: the spaCy pipeline belongs to the NLP engine."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        spans = en_rules.person_spans(nlp_artifacts.tokens, self.rules)
        return [self._result(sp) for sp in spans]

    def _result(self, sp: Span) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=sp.score,
            textual_explanation=f"English person name (rule: {sp.rule})",
        )
        return RecognizerResult(
            entity_type="PERSON",
            start=sp.start,
            end=sp.end,
            score=sp.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
