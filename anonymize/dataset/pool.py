"""Where texts are rewritten or searched: in this process, or on a local pool of worker
processes that each load the models once (spaCy and LAC hold the GIL, so threads would not
scale).

Both text pools deduplicate: label texts repeat a lot (captions, path components), and one
analysis per distinct text is enough. The detection pool (`airlock pii detect` on large
inputs) streams: batches go out and come back in input order, a few at a time.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from anonymize.dataset import worker

if TYPE_CHECKING:
    from anonymize.engine import Detection
    from anonymize.text import Detector, Rewritten

CHUNK = 128


class TextPool(Protocol):
    def rewrite(self, texts: Sequence[str]) -> list[Rewritten]: ...


def _distinct(texts: Sequence[str], rewrite: Callable[[list[str]], list[Rewritten]]
              ) -> list[Rewritten]:
    unique = list(dict.fromkeys(texts))
    done = dict(zip(unique, rewrite(unique), strict=True))
    return [done[t] for t in texts]


class LocalPool:
    """Rewrites in the calling process (one worker, small jobs, tests)."""

    def __init__(self, operators: dict[str, str], key: bytes, engine: Detector) -> None:
        self._rewriter = worker.build_rewriter(operators, key, engine)

    def rewrite(self, texts: Sequence[str]) -> list[Rewritten]:
        return _distinct(texts, self._rewriter.rewrite)


class ProcessPool:
    """Chunks of texts on `workers` processes; results come back in input order."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self._executor = executor

    def rewrite(self, texts: Sequence[str]) -> list[Rewritten]:
        return _distinct(texts, self._map)

    def _map(self, texts: list[str]) -> list[Rewritten]:
        chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
        return [r for chunk in self._executor.map(worker.rewrite_chunk, chunks) for r in chunk]


@contextmanager
def text_pool(operators: dict[str, str], key: bytes, workers: int,
              engine: Callable[[], Detector]) -> Iterator[TextPool]:
    """A pool for one job; `engine` gives this process's engine (used when `workers` is 1).
    Worker processes are spawned, not forked: the parent holds database connections and
    threads that must not be copied into children; each loads its own models once."""
    if workers <= 1:
        yield LocalPool(operators, key, engine())
        return
    executor = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=worker.init_worker, initargs=(operators, key))
    try:
        yield ProcessPool(executor)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class DetectionPool:
    """Batches of texts detected on worker processes, in input order."""

    def __init__(self, executor: Executor, workers: int) -> None:
        self._executor = executor
        self._window = 2 * workers

    def detect(self, batches: Iterable[Sequence[str]], language: str
               ) -> Iterator[list[list[Detection]]]:
        """One result per batch, in order. A window of futures, not `executor.map` (which
        takes the whole input at once): at most 2 batches per worker are held, so memory
        stays bounded however long the input."""
        window: deque[Future[list[list[Detection]]]] = deque()
        for batch in batches:
            window.append(self._executor.submit(worker.detect_chunk, batch, language))
            if len(window) >= self._window:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


@contextmanager
def detection_pool(workers: int, engine: Detector) -> Iterator[DetectionPool]:
    """`workers` processes forked from this one once `engine` is loaded: they start at
    once and share its models (copy-on-write) instead of each loading them again, which
    cost as much CPU as the detection of a few thousand records.

    Forked, unlike the job's pool, and only from a command reading a stream: such a caller
    holds no database connection and runs no thread but OpenBLAS's (idle: one BLAS thread
    per process, see `anonymize.nlp`; numpy's OpenBLAS is fork-safe). The engine must not
    have analysed Chinese yet (not warmed up in Chinese): ONNX Runtime, under LAC,
    runs threads that a fork would not copy, so each worker loads LAC on its first Chinese
    text."""
    worker.set_detector(engine)
    executor = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("fork"))
    try:
        yield DetectionPool(executor, workers)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
