"""The detection pool streams: results in input order, a bounded window of batches out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from anonymize.dataset import worker
from anonymize.dataset.pool import DetectionPool
from anonymize.engine import Detection


class LengthEngine:
    """Finds one 'X' per text, as long as the text: enough to see order and language."""

    def detect(self, texts: Sequence[str], language: str = "auto") -> list[list[Detection]]:
        return [[Detection(language, 0, len(t), 1.0)] for t in texts]


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[DetectionPool]:
    monkeypatch.setitem(worker._engine, "engine", LengthEngine())
    with ThreadPoolExecutor(2) as executor:
        yield DetectionPool(executor, workers=2)


def test_results_come_back_in_input_order(pool: DetectionPool) -> None:
    batches = [["a" * n, "b" * (n + 1)] for n in range(1, 30)]
    found = list(pool.detect(batches, "en"))
    assert [[d.end for [d] in batch] for batch in found] == [[n, n + 1] for n in range(1, 30)]
    assert {d.type for batch in found for [d] in batch} == {"en"}


def test_an_endless_input_is_read_a_window_ahead(pool: DetectionPool) -> None:
    pulled = 0

    def endless() -> Iterator[list[str]]:
        nonlocal pulled
        while True:
            pulled += 1
            yield ["text"]

    results = pool.detect(endless(), "en")
    for _ in range(3):
        next(results)
    assert pulled <= 3 + 4  # the results taken, and a window of 2 batches per worker
