"""The recognizers against values generated from the standards (bench/zh_identifier_corpus.py,
written without reading the recognizers): every generated value is found, in a carrier
sentence, and the corpus's decoys are not.

Scored like the shared evaluator: a labelled value is found when detections of any type
cover at least 80% of its characters.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine

from anonymize.recognizers.zh_structured import zh_structured_recognizers
from anonymize.recognizers.zh_structured.checksums import (
    USCC_CHARS,
    hk_id_valid,
    id_check_char,
    luhn_valid,
    uscc_check_char,
    vin_check_valid,
)
from bench import zh_identifier_corpus as corpus
from tests.anonymize.recognizers.engine_helper import zh_analyzer

ANALYZER = zh_analyzer(zh_structured_recognizers())
CORPUS = corpus.generate(n=1000, seed=7)


def covered(analyzer: AnalyzerEngine, text: str, start: int, end: int,
            threshold: float = 0.0) -> bool:
    mask = [False] * len(text)
    for result in analyzer.analyze(text, language="zh"):
        if result.score >= threshold:
            mask[result.start:result.end] = [True] * (result.end - result.start)
    return sum(mask[start:end]) >= 0.8 * (end - start)


@pytest.mark.parametrize("name", sorted(corpus.GENERATORS))
@settings(max_examples=60, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_every_generated_value_is_found_in_its_sentence(name: str, rng: random.Random) -> None:
    text, entity = corpus.sentence(rng, name)
    # Hypothesis favours runs of one digit: a passport of E00000000 is a form's placeholder,
    # which the recognizer refuses on purpose.
    assume(name != "passport" or len(set(re.sub(r"\D", "", entity["text"]))) > 1)
    assert covered(ANALYZER, text, entity["start"], entity["end"]), (name, text)


@pytest.mark.parametrize("decoy", range(len(corpus.DECOYS)))
@settings(max_examples=30, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_decoys_score_below_a_half(decoy: int, rng: random.Random) -> None:
    text = corpus.DECOYS[decoy](rng)
    assert all(r.score < 0.5 for r in ANALYZER.analyze(text, language="zh")), text


# The generator's check characters are written from the standards, apart from the
# recognizers' (anonymize/recognizers/zh_structured/checksums.py): each agrees with the other.
@given(rng=st.randoms(use_true_random=False))
def test_the_two_implementations_of_each_check_agree(rng: random.Random) -> None:
    first17 = corpus.region_code(rng) + corpus.digits(rng, 11)
    assert corpus.id_check(first17) == id_check_char(first17)
    assert luhn_valid(corpus.compact(corpus.bank_card(rng)))
    code = corpus.social_credit_code(rng)
    assert set(code) <= set(USCC_CHARS) and uscc_check_char(code[:17]) == code[17]
    hk = re.fullmatch(r"([A-Z]{1,2})(\d{6})\W?([0-9A])\W?", corpus.hk_identity_card(rng))
    assert hk is not None and hk_id_valid(*hk.groups())
    body = corpus.vin(rng)
    assert vin_check_valid(body[:8] + corpus.vin_check(body) + body[9:])


def test_corpus_is_deterministic_and_well_formed() -> None:
    assert corpus.generate(n=50, seed=3) == corpus.generate(n=50, seed=3)
    for record in CORPUS:
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
    assert sum(not r["entities"] for r in CORPUS) == len(CORPUS) // 5


def test_recall_on_the_corpus_and_no_false_positive_at_a_half() -> None:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    unmatched = 0
    for record in CORPUS:
        for entity in record["entities"]:
            total[entity["label"]] += 1
            found[entity["label"]] += covered(ANALYZER, record["text"], entity["start"],
                                              entity["end"])
        unmatched += sum(
            r.score >= 0.5 and not any(e["start"] < r.end and r.start < e["end"]
                                       for e in record["entities"])
            for r in ANALYZER.analyze(record["text"], language="zh"))
    assert set(total) == {"CN_ID", "PHONE", "BANK_CARD", "PASSPORT", "PLATE", "EMAIL",
                          "ADDRESS", "ID"}
    assert all(found[label] == total[label] for label in total), found
    assert unmatched == 0
