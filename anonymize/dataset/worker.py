"""The process side of the text pool: one rewriter per worker process, built at start."""

from __future__ import annotations

from anonymize.text import Detector, Rewritten, TextRewriter

_state: dict[str, TextRewriter] = {}  # this worker process's rewriter, set by init_worker


def build_rewriter(operators: dict[str, str], key: bytes,
                   engine: Detector | None = None) -> TextRewriter:
    """`engine`: the calling process's own, when it has one loaded already."""
    from anonymize.engine import build_engine
    from anonymize.operators import anonymizer_engine
    from anonymize.policy import build_policy

    return TextRewriter(engine or build_engine(), anonymizer_engine(),
                        build_policy(operators, key))


def init_worker(operators: dict[str, str], key: bytes) -> None:
    _state["rewriter"] = build_rewriter(operators, key)


def rewrite_chunk(texts: list[str]) -> list[Rewritten]:
    return _state["rewriter"].rewrite(texts)
