"""Where texts are rewritten: in this process, or on a local pool of worker processes that
each load the models once (spaCy and LAC hold the GIL, so threads would not scale).

Both pools deduplicate: label texts repeat a lot (captions, path components), and one
analysis per distinct text is enough.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Protocol

from anonymize.dataset import worker
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
