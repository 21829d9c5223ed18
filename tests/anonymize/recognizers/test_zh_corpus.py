"""Recall and precision of the recognizers on the generated corpus (bench/zh_structured_corpus.py).

Scored like the shared evaluator: a labelled entity is found when detections of any type
cover at least 80% of its characters; a detection overlapping no labelled entity is a
false positive.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from presidio_analyzer import AnalyzerEngine

from anonymize.recognizers.zh_structured import zh_structured_recognizers
from anonymize.recognizers.zh_structured.checksums import id_shaped, luhn_valid
from bench.zh_structured_corpus import Record, generate
from tests.anonymize.recognizers.engine_helper import zh_analyzer

CORPUS = generate(n=800, seed=7)


def score(analyzer: AnalyzerEngine, records: list[Record], threshold: float) -> tuple[
    dict[str, float], int, int
]:
    """Per-label recall, detections made, detections overlapping no labelled entity."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    predicted = unmatched = 0
    for record in records:
        results = [
            r for r in analyzer.analyze(record["text"], language="zh") if r.score >= threshold
        ]
        covered = [False] * len(record["text"])
        for r in results:
            covered[r.start : r.end] = [True] * (r.end - r.start)
        for entity in record["entities"]:
            total[entity["label"]] += 1
            hit = sum(covered[entity["start"] : entity["end"]])
            found[entity["label"]] += hit >= 0.8 * (entity["end"] - entity["start"])
        predicted += len(results)
        unmatched += sum(
            not any(e["start"] < r.end and r.start < e["end"] for e in record["entities"])
            for r in results
        )
    return {label: found[label] / total[label] for label in total}, predicted, unmatched


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return zh_analyzer(zh_structured_recognizers())


def test_corpus_is_deterministic_and_well_formed() -> None:
    assert generate(n=50, seed=3) == generate(n=50, seed=3)
    for record in CORPUS:
        for entity in record["entities"]:
            assert record["text"][entity["start"] : entity["end"]] == entity["text"]
            compact = re.sub(r"[ -]", "", entity["text"])
            if entity["label"] == "CN_ID" and len(compact) == 18:
                assert id_shaped(compact.upper())  # the check character may be mistyped
            if entity["label"] == "BANK_CARD":
                assert luhn_valid(compact)
    assert sum(not r["entities"] for r in CORPUS) == len(CORPUS) // 4


@pytest.mark.parametrize(("threshold", "max_false_positive_rate"), [(0.0, 0.05), (0.5, 0.0)])
def test_recall_and_precision(
    analyzer: AnalyzerEngine, threshold: float, max_false_positive_rate: float
) -> None:
    recall, predicted, unmatched = score(analyzer, CORPUS, threshold)
    assert set(recall) == {"CN_ID", "PHONE", "BANK_CARD", "PASSPORT", "PLATE", "EMAIL", "ADDRESS"}
    assert all(r >= 0.99 for r in recall.values()), recall
    assert unmatched <= max_false_positive_rate * predicted
