"""The span type shared by the Chinese and English person rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A character span [start, end) found by ``rule`` with confidence ``score``."""

    start: int
    end: int
    score: float
    rule: str


def merge(spans: Sequence[Span]) -> list[Span]:
    """Drop spans contained in a longer (or equal, higher-scoring) span."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), -s.score))
    kept: list[Span] = []
    for sp in ordered:
        if any(k.start <= sp.start and sp.end <= k.end for k in kept):
            continue
        kept.append(sp)
    return kept
