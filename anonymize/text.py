"""Rewriting texts: detect with the PII engine, replace with the operators of a policy, and
say exactly what was replaced where (for the report and the re-identification mapping).

Overlaps are resolved here, before Presidio's anonymizer sees the spans, so that every
span it replaces is one we know the original offsets of: nested spans go to the outer one,
partly overlapping spans become their union (privacy first: no detected character is left
out) typed as the longer of them, and same-type spans separated only by spaces become one
("John" "Smith" → one PERSON).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from anonymize.engine import Detection


class Detector(Protocol):
    """What `PiiEngine` offers: entities per text, in text order."""

    def detect(self, texts: Sequence[str], language: str = "auto") -> list[list[Detection]]: ...


@dataclass(frozen=True)
class Replacement:
    """One operator applied: `start`/`end` are code-point offsets in the original text."""

    type: str
    operator: str
    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True)
class Rewritten:
    text: str
    replacements: tuple[Replacement, ...]


def resolve_spans(text: str, detections: Sequence[Detection]) -> list[Detection]:
    """Non-overlapping spans in text order covering every detected character."""
    ordered = sorted(detections, key=lambda d: (d.start, -d.end, -d.score))
    resolved: list[Detection] = []
    for d in ordered:
        if d.start >= d.end:
            continue
        last = resolved[-1] if resolved else None
        if last is not None and d.start < last.end:
            if d.end > last.end:
                longer = d if d.end - d.start > last.end - last.start else last
                resolved[-1] = Detection(longer.type, last.start, d.end,
                                         max(last.score, d.score))
            continue
        if last is not None and last.type == d.type and text[last.end:d.start].strip(" ") == "" \
                and d.start > last.end:
            resolved[-1] = Detection(d.type, last.start, d.end, max(last.score, d.score))
            continue
        resolved.append(d)
    return resolved


class TextRewriter:
    """The PII engine, Airlock's anonymizer engine and one policy, used together."""

    def __init__(self, engine: Detector, anonymizer: AnonymizerEngine,
                 policy: Mapping[str, OperatorConfig], language: str = "auto") -> None:
        self._engine = engine
        self._anonymizer = anonymizer
        self._policy = dict(policy)
        self._language = language

    def rewrite(self, texts: Sequence[str]) -> list[Rewritten]:
        return [self._apply(text, found)
                for text, found in zip(texts, self._engine.detect(texts, self._language),
                                       strict=True)]

    def _apply(self, text: str, detections: Sequence[Detection]) -> Rewritten:
        spans = resolve_spans(text, detections)
        if not spans:
            return Rewritten(text, ())
        result = self._anonymizer.anonymize(
            text, [RecognizerResult(s.type, s.start, s.end, s.score) for s in spans],
            operators=dict(self._policy), merge_entities_with_spaces=False)
        items = sorted(result.items, key=lambda item: item.start)
        if len(items) != len(spans):  # Presidio merged something we had kept apart
            raise RuntimeError("the anonymizer changed the resolved spans")
        return Rewritten(result.text, tuple(
            Replacement(s.type, item.operator or "", s.start, s.end, text[s.start:s.end],
                        item.text or "") for s, item in zip(spans, items, strict=True)))
