"""The process side of the pools: one rewriter per worker process, built when it starts,
or the PII engine of the process that forked it (the detection pool). The module itself is
light: importing it loads no model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anonymize.engine import Detection
    from anonymize.text import Detector, Rewritten, TextRewriter

_rewriter: dict[str, TextRewriter] = {}  # this worker process's rewriter, set by init_worker
_engine: dict[str, Detector] = {}  # the detection pool's engine, set before its fork


def build_rewriter(operators: dict[str, str], key: bytes,
                   engine: Detector | None = None) -> TextRewriter:
    """`engine`: the calling process's own, when it has one loaded already."""
    from anonymize.engine import build_engine
    from anonymize.operators import anonymizer_engine
    from anonymize.policy import build_policy
    from anonymize.text import TextRewriter

    return TextRewriter(engine or build_engine(), anonymizer_engine(),
                        build_policy(operators, key))


def init_worker(operators: dict[str, str], key: bytes) -> None:
    _rewriter["rewriter"] = build_rewriter(operators, key)


def rewrite_chunk(texts: list[str]) -> list[Rewritten]:
    return _rewriter["rewriter"].rewrite(texts)


def set_detector(engine: Detector) -> None:
    """The engine the detection pool's workers inherit when it forks them."""
    _engine["engine"] = engine


def detect_chunk(texts: Sequence[str], language: str) -> list[list[Detection]]:
    return _engine["engine"].detect(texts, language)
