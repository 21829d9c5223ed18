"""Base class: a PatternRecognizer whose context words are found in the raw text."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# `\b` never fires between a Han character and a digit (both are \w), so numbers are
# delimited with explicit lookarounds instead.
NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z])"
NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"


def after_cue(cues: str, body: str, gap: int = 8) -> str:
    """``body`` right after one of ``cues`` (a regex alternation), at most ``gap``
    characters that are no letter, digit or line break apart ("微信：", "QQ号码 ")."""
    return (rf"(?<=(?i:{cues})[^0-9A-Za-z\n]{{0,{gap}}})" + NOT_AFTER_ALNUM + body
            + NOT_BEFORE_ALNUM)


class ZhPatternRecognizer(PatternRecognizer):
    """PatternRecognizer that boosts a match when a context word precedes it.

    Presidio's LemmaContextAwareEnhancer compares context words with token lemmas. A blank
    spaCy "zh" pipeline segments one character per token and leaves lemmas empty, so a
    word such as 身份证 can never match there. This recognizer looks for its context words
    (as substrings) in the characters just before each match instead, which works with any
    NLP engine, and marks boosted results so the lemma enhancer does not boost them again.
    Context words passed to ``AnalyzerEngine.analyze(context=...)`` count as well.
    """

    CONTEXT_WINDOW = 12  # characters before the match: "联系人手机号码\uff08必填\uff09" fits
    # Same boost as Presidio's LemmaContextAwareEnhancer defaults.
    CONTEXT_SIMILARITY_FACTOR = 0.35
    MIN_SCORE_WITH_CONTEXT = 0.4

    # Shape decides detection, validity the score: a match with the entity's shape that
    # fails a validity rule (a wrong check character, an unallocated segment) is still
    # reported, below a 0.5 threshold unless a context word raises it.
    SHAPE_ONLY_SCORE = 0.3

    # Each recognizer states its entity, patterns and context words once, as class data;
    # the constructor lets a caller override any of them (e.g. an English instance).
    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]]

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "zh",
        supported_entity: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=patterns or self.PATTERNS,
            context=context or self.CONTEXT,
            supported_language=supported_language,
            # Presidio annotates name as str but defaults it to the class name.
            name=name or type(self).__name__,
        )

    def shape_only(self, pattern_text: str) -> bool:
        """True for a match that has the entity's shape but fails a validity rule."""
        return False

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Pattern matches, those of shape only at `SHAPE_ONLY_SCORE` at most."""
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts,
                                                          regex_flags)
        for result in results:
            if self.shape_only(text[result.start:result.end]):
                result.score = min(result.score, self.SHAPE_ONLY_SCORE)
        return results

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Raise the score of results preceded by one of this recognizer's context words."""
        words = [word.lower() for word in self.context or []]
        given = [word.lower() for word in context or []]
        for result in raw_recognizer_results:
            window = text[max(0, result.start - self.CONTEXT_WINDOW) : result.start].lower()
            found = next(
                (w for w in words if w in window or any(w in g for g in given)), None
            )
            if found is None:
                continue
            result.score = min(
                max(result.score + self.CONTEXT_SIMILARITY_FACTOR, self.MIN_SCORE_WITH_CONTEXT),
                EntityRecognizer.MAX_SCORE,
            )
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
            if result.analysis_explanation is not None:
                result.analysis_explanation.set_supportive_context_word(found)
                result.analysis_explanation.set_improved_score(result.score)
        return raw_recognizer_results
