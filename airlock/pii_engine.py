"""The PII engine of this process: loaded on first use (spaCy and LAC take seconds and a few
hundred MB), then shared by every request and job of the process, one call at a time
(spaCy's string store and Presidio's registry are not meant for concurrent use)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine's modules (Presidio, spaCy) load on first use, not at import
    from anonymize.engine import Detection, PiiEngine


class SerialEngine:
    """A `PiiEngine` whose calls never overlap."""

    def __init__(self, engine: PiiEngine) -> None:
        self._engine = engine
        self._lock = threading.Lock()

    def detect(self, texts: Sequence[str], language: str = "auto") -> list[list[Detection]]:
        with self._lock:
            return self._engine.detect(texts, language)


_loading = threading.Lock()


@cache
def _engine() -> SerialEngine:
    from anonymize.engine import build_engine

    return SerialEngine(build_engine())


def shared_engine() -> SerialEngine:
    with _loading:  # concurrent first requests load it once
        return _engine()
