"""English structured values written from the standards (bench/en_structured_corpus.py):
every card brand and length, IBAN country, phone format, IP form, SSN and e-mail shape is
found whole by the engine, and numbers failing their check are not typed as cards or
IBANs."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymize.engine import PiiEngine
from anonymize.recognizers.en_structured import iban_valid
from anonymize.recognizers.zh_structured.checksums import luhn_valid
from bench.en_structured_corpus import GENERATORS, card, iban, luhn_digit, record

# The type each corpus label is reported as (a family name of anonymize.entity_types).
TYPES = {"CREDIT_CARD": {"CREDIT_CARD", "BANK_CARD"}, "PHONE": {"PHONE_NUMBER", "CN_PHONE"},
         "IBAN": {"IBAN_CODE"}, "IP": {"IP_ADDRESS"}, "SSN": {"US_SSN"},
         "EMAIL": {"EMAIL_ADDRESS", "EMAIL"}}
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def covered(engine: PiiEngine, text: str, start: int, end: int, types: set[str]) -> float:
    """Share of [start, end) covered by detections of one of ``types``."""
    mask = [False] * len(text)
    for d in engine.detect([text])[0]:
        if d.type in types:
            mask[d.start:d.end] = [True] * (d.end - d.start)
    return sum(mask[start:end]) / (end - start)


@SETTINGS
@given(seed=SEEDS)
def test_every_generated_value_is_found_whole(pii_engine: PiiEngine, seed: int) -> None:
    r = record(0, random.Random(seed))
    [entity] = r["entities"]
    assert covered(pii_engine, r["text"], entity["start"], entity["end"],
                   TYPES[entity["label"]]) == 1.0, (entity["label"], r["text"])


@pytest.mark.parametrize("label", sorted(GENERATORS))
def test_each_label_has_a_type(label: str) -> None:
    assert label in TYPES


@settings(max_examples=300)
@given(seed=SEEDS)
def test_generated_checks_hold(seed: int) -> None:
    rng = random.Random(seed)
    assert luhn_valid("".join(c for c in card(rng) if c.isdigit()))
    assert iban_valid(iban(rng))


@SETTINGS
@given(seed=SEEDS)
def test_a_card_number_failing_luhn_is_no_card(pii_engine: PiiEngine, seed: int) -> None:
    rng = random.Random(seed)
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    wrong = str((int(luhn_digit(body)) + rng.randint(1, 9)) % 10)
    text = f"order {body[:4]} {body[4:8]} {body[8:12]} {body[12:]}{wrong} shipped"
    assert not any(d.type == "CREDIT_CARD" for d in pii_engine.detect([text])[0])


@SETTINGS
@given(seed=SEEDS)
def test_an_iban_with_wrong_check_digits_is_no_iban(pii_engine: PiiEngine, seed: int) -> None:
    value = iban(random.Random(seed)).upper().replace(" ", "")
    check = int(value[2:4])
    wrong = value[:2] + f"{(check + 1) % 97 or 2:02d}" + value[4:]
    assert not iban_valid(wrong)
    assert not any(d.type == "IBAN_CODE" for d in pii_engine.detect([f"IBAN {wrong}"])[0])


@pytest.mark.parametrize(("text", "value"), [
    ("Order from 1-800-FLOWERS today", "1-800-FLOWERS"),
    ("call (888) GOT-JUNK ext. 12 now", "(888) GOT-JUNK ext. 12"),
    ("the proxy at [2001:db8::7]:8443 answered", "[2001:db8::7]:8443"),
    ("listening on 192.0.2.44:5432.", "192.0.2.44:5432"),
    ("write to jörg.weiß+news@bücher.de soon", "jörg.weiß+news@bücher.de"),
    ("amex 3782 822463 10005 on file", "3782 822463 10005"),
    ("card 2223 0000 4841 0010 please", "2223 0000 4841 0010"),
    ("my iban is de89370400440532013000", "de89370400440532013000"),
])
def test_shapes_presidio_missed(pii_engine: PiiEngine, text: str, value: str) -> None:
    start = text.index(value)
    found = pii_engine.detect([text])[0]
    assert any(d.start <= start and start + len(value) <= d.end for d in found), found


def test_a_lower_case_count_after_800_is_no_phone(pii_engine: PiiEngine) -> None:
    assert not any(d.type == "PHONE_NUMBER"
                   for d in pii_engine.detect(["we sold 800 bottles"])[0])
