"""The PII engine of a process: loaded on first use (spaCy and LAC take seconds and a few
hundred MB), then shared by every request and job of the process, one call at a time
(spaCy's string store and Presidio's registry are not meant for concurrent use). The
instance owns the loader and hands it to what detects."""

from __future__ import annotations

import threading
from collections.abc import Sequence
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


class PiiEngineLoader:
    """Calling it gives the engine, loaded by the first call only."""

    def __init__(self) -> None:
        self._loading = threading.Lock()
        self._engine: SerialEngine | None = None

    def __call__(self) -> SerialEngine:
        with self._loading:  # concurrent first requests load it once
            if self._engine is None:
                from anonymize.engine import build_engine

                self._engine = SerialEngine(build_engine())
            return self._engine
