"""A pattern recognizer behind a cheap test that its patterns could match at all.

Presidio runs every regex of every recognizer on every text; most English texts have no
digit, "@" or "://", so most of that work finds nothing. ``PrefilteredRecognizer`` runs
its recognizer only when the text contains what every one of its patterns needs (one
``search`` of a short regex), and is otherwise the recognizer itself: same name, id,
entities, context words and context enhancement, so Presidio's engine treats its results
exactly as before.
"""

from __future__ import annotations

import re
from typing import Protocol, cast

from presidio_analyzer import EntityRecognizer, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


class _Named(Protocol):
    name: str

    @staticmethod
    def of(recognizer: object) -> str:
        """A recognizer's name (Presidio leaves the attribute untyped)."""
        return cast(_Named, recognizer).name


class PrefilteredRecognizer(EntityRecognizer):
    """``inner``, run only on texts where ``needs`` (a regex) is found.

    ``needs`` must be a necessary condition of every pattern of ``inner`` (e.g. ``\\d``
    for a recognizer of numbers): the tests check each one against its recognizer.
    """

    name: str

    def __init__(self, inner: PatternRecognizer, needs: str) -> None:
        self.inner = inner
        self._inner_id: str = inner.id
        # Case-insensitive when the patterns are (Presidio's default flags), so that the
        # test folds case the way the patterns do.
        self.needs = re.compile(needs, (inner.global_regex_flags or 0) & re.IGNORECASE)
        self.validate()
        super().__init__(
            supported_entities=list(inner.supported_entities),
            name=_Named.of(inner),
            supported_language=inner.supported_language,
            version=inner.version,
            context=inner.context,
            score_thresholds=inner.score_thresholds,
        )

    def validate(self) -> None:
        if self.needs.search(""):
            raise ValueError(f"prefilter {self.needs.pattern!r} of {_Named.of(self.inner)} "
                             "matches every text")

    @property
    def id(self) -> str:
        """The inner recognizer's id: its results carry it, and Presidio's engine finds
        the recognizer of a result (for context enhancement) by that id."""
        return self._inner_id

    def load(self) -> None:
        """The inner recognizer is loaded by its constructor."""

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if not self.needs.search(text):
            return []
        return self.inner.analyze(text, entities, nlp_artifacts)

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        if not raw_recognizer_results:  # the usual case: nothing found, nothing to raise
            return raw_recognizer_results
        return self.inner.enhance_using_context(
            text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
            context)
