"""English PERSON recognizer: spaCy NER (from Presidio's NLP artifacts) plus name rules."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.recognizers.person import en_rules
from anonymize.recognizers.person.en_lexicon import Lexicon, english_lexicon
from anonymize.recognizers.person.spans import Span

ADDRESS = "ADDRESS"  # the entity type of EnglishAddressRecognizer
DEFAULT_EN_RULES: tuple[str, ...] = tuple(r for r in en_rules.ALL_RULES if r != "said")
"""Rules kept after measurement on bench/person_eval.py ("said" found nothing the others
did not, and added a false name)."""


class EnglishPersonRecognizer(EntityRecognizer):
    """PERSON spans in English text.

    Reads the spaCy ``Doc`` that Presidio's ``SpacyNlpEngine`` already produced (its
    entities), so it adds no model of its own; the English dictionary it consults comes
    from the same installed spaCy model (``english_lexicon``) unless one is passed in.
    Use it *instead of* the PERSON output of Presidio's ``SpacyRecognizer`` (keep that
    one for LOCATION, ORGANIZATION, ...), so that the ``filter`` rule can veto spaCy's
    implausible PERSON spans.
    """

    ENTITIES = ("PERSON",)
    name: str

    def __init__(
        self,
        rules: Sequence[str] = DEFAULT_EN_RULES,
        supported_language: str = "en",
        name: str = "EnglishPersonRecognizer",
        lexicon: Lexicon | None = None,
    ) -> None:
        self.rules = tuple(rules)
        self.lexicon = lexicon
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
        """The dictionary (the spaCy pipeline belongs to the NLP engine)."""
        if self.lexicon is None:
            self.lexicon = english_lexicon()

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
        assert self.lexicon is not None  # set by load(), which the constructor calls
        spans = en_rules.person_spans(nlp_artifacts.tokens, text, self.rules,
                                      self.lexicon)
        return [self._result(sp) for sp in spans]

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """The ``address`` rule, which needs the other recognizers' results: a name found
        inside a street address is that street's name, and the address covers it."""
        if "address" not in self.rules:
            return raw_recognizer_results
        addresses = [(r.start, r.end) for r in other_raw_recognizer_results
                     if r.entity_type == ADDRESS]
        return [r for r in raw_recognizer_results
                if not en_rules.inside(r.start, r.end, addresses)]

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
