"""Rewriting texts: detect with the PII engine, replace with the operators of a policy, and
say exactly what was replaced where (for the report and the re-identification mapping).

Overlaps are resolved here, before Presidio's anonymizer sees the spans, so that every
span it replaces is one we know the original offsets of: overlapping spans become their
union (privacy first: no detected character is left out), typed by the most specific type
of the spans that cover all of it (`anonymize.entity_types`: a CN_PHONE over the
PHONE_NUMBER and DATE_TIME of the same digits; an ADDRESS over the PERSON inside it), or,
when none does (a partial overlap), by the longest span; same-type spans separated only by
spaces become one ("John" "Smith" → one PERSON).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from anonymize.engine import Detection
from anonymize.entity_types import rank


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
    resolved: list[Detection] = []
    for group in _overlapping(detections):
        span = _typed(group)
        last = resolved[-1] if resolved else None
        if last is not None and last.type == span.type and span.start > last.end \
                and text[last.end:span.start].strip(" ") == "":
            resolved[-1] = Detection(span.type, last.start, span.end,
                                     max(last.score, span.score))
            continue
        resolved.append(span)
    return resolved


def _overlapping(detections: Sequence[Detection]) -> list[list[Detection]]:
    """The non-empty detections in groups that overlap, in text order."""
    groups: list[list[Detection]] = []
    reach = -1
    for d in sorted(detections, key=lambda d: (d.start, -d.end)):
        if d.start >= d.end:
            continue
        if groups and d.start < reach:
            groups[-1].append(d)
        else:
            groups.append([d])
        reach = max(reach, d.end)
    return groups


def _typed(group: list[Detection]) -> Detection:
    """The union of `group`, typed (and scored) by the most specific of the spans covering
    all of it, else typed by the longest span, with the best score."""
    start, end = min(d.start for d in group), max(d.end for d in group)
    whole = [d for d in group if (d.start, d.end) == (start, end)]
    if whole:
        chosen = min(whole, key=lambda d: (rank(d.type), -d.score))
        return Detection(chosen.type, start, end, chosen.score)
    longest = min(group, key=lambda d: (d.start - d.end, rank(d.type), -d.score))
    return Detection(longest.type, start, end, max(d.score for d in group))


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
