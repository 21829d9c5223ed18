"""Anonymising texts: detect with the PII engine, rewrite with the operators of a policy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from anonymize.engine import Detection, PiiEngine


def anonymize_texts(engine: PiiEngine, anonymizer: AnonymizerEngine, texts: Sequence[str],
                    policy: Mapping[str, OperatorConfig], language: str = "auto") -> list[str]:
    """Each text with every detection replaced by its type's operator (overlaps resolved
    by Presidio: the wider, higher-scored span wins)."""
    return [anonymizer.anonymize(text, _results(found), operators=dict(policy)).text
            if found else text
            for text, found in zip(texts, engine.detect(texts, language), strict=True)]


def _results(detections: list[Detection]) -> list[RecognizerResult]:
    return [RecognizerResult(d.type, d.start, d.end, d.score) for d in detections]
