"""Chinese PERSON recognizer: Baidu LAC person tags plus surname and cue rules."""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.recognizers.person import zh_rules
from anonymize.recognizers.person.lac_model import LacModel
from anonymize.recognizers.person.spans import Span

DEFAULT_ZH_RULES: tuple[str, ...] = (
    "join",
    "dotted",
    "surname",
    "given",
    "stray",
    "cue",
    "speaker",
    "repeat",
    "roman",
    "latin",
    "minority",
    "kana",
    "form",
    "bare_surname",
    "role",
    "function_chars",
    "title_marks",
    "cut_title",
    "org_head",
    "club",
    "latin_word",
    "unsure",
    "place_org",
)
"""Rules and filters kept after measurement (bench/person_eval.py). Left out because they
helped the tuning part only: ``honorific``, and filters for bookmakers, for a company's
short name before an officer's title and for a word LAC tags ORG when run on it alone; a
filter for a word recurring inside a longer ORG/LOC word helped the held-back part only
(docs/design/chinese-names.md)."""


class ChinesePersonRecognizer(EntityRecognizer):
    """PERSON spans in Chinese text. Ignores Presidio's NLP artifacts: LAC segments itself."""

    ENTITIES = ("PERSON",)
    name: str

    def __init__(
        self,
        lac: LacModel,
        rules: Sequence[str] = DEFAULT_ZH_RULES,
        supported_language: str = "zh",
        name: str = "ChinesePersonRecognizer",
    ) -> None:
        self.lac = lac
        self.rules = tuple(rules)
        self.validate()
        super().__init__(
            supported_entities=list(self.ENTITIES),
            supported_language=supported_language,
            name=name,
        )

    def validate(self) -> None:
        unknown = set(self.rules) - set(zh_rules.ALL_RULES)
        if unknown:
            raise ValueError(f"unknown Chinese person rules: {sorted(unknown)}")

    def load(self) -> None:
        """Nothing to do: the shared LAC model loads on first analysis."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        spans = zh_rules.person_spans(self.lac.analyze(text), text, self.rules,
                                      lambda: self.lac.marginals(text))
        return [self._result(sp) for sp in spans]

    def _result(self, sp: Span) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=sp.score,
            textual_explanation=f"Chinese person name (rule: {sp.rule})",
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
