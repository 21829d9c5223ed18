from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError

from anonymize.operators import OperatorKey, Pseudonym, pseudonym
from anonymize.operators.name_lists import EN_FIRST_NAMES, EN_LAST_NAMES
from anonymize.recognizers.person.surnames import surname_length
from anonymize.recognizers.zh_structured.checksums import (
    ID_PROVINCE_CODES,
    birth_date_valid,
    id_check_char,
    luhn_valid,
)
from tests.anonymize.operators.helpers import KEY, OTHER_KEY, run

OP = Pseudonym()
CN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _id_valid(value: str) -> bool:
    return (
        len(value) == 18
        and int(value[:2]) in ID_PROVINCE_CODES
        and birth_date_valid(value[6:14], date(2026, 1, 1))
        and id_check_char(value[:17]) == value[17]
    )


@pytest.mark.parametrize(
    ("entity_type", "text", "shape"),
    [
        ("PERSON", "张三", CN_NAME),
        ("PERSON", "欧阳娜娜", CN_NAME),
        ("PERSON", "John Smith", re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+")),
        ("CN_PHONE", "13812345678", re.compile(r"1[3-9]\d{9}")),
        ("CN_PHONE", "138-1234-5678", re.compile(r"1[3-9]\d-\d{4}-\d{4}")),
        ("PHONE_NUMBER", "+86 138 1234 5678", re.compile(r"\+86 1[3-9]\d \d{4} \d{4}")),
        ("PHONE_NUMBER", "(212) 555-0100", re.compile(r"\([1-9]\d\d\) \d{3}-\d{4}")),
        ("EMAIL", "zhangsan@qq.com", re.compile(r"user[0-9a-f]{8}@example\.com")),
        ("EMAIL_ADDRESS", "bob@example.org", re.compile(r"user[0-9a-f]{8}@example\.org")),
        ("EMAIL_ADDRESS", "bob@corp.test", re.compile(r"user[0-9a-f]{8}@corp\.test")),
        ("CN_PLATE", "京A·12345", re.compile(r"京[A-HJ-NP-Z]·\d{5}")),
        ("CN_PLATE", "粤B8X2K9", re.compile(r"粤[A-HJ-NP-Z]\d[A-HJ-NP-Z]\d[A-HJ-NP-Z]\d")),
        ("CN_ADDRESS", "广东省深圳市南山区科苑路15号", re.compile(r"广东省深圳市某区某路\d+号")),
        ("CN_ADDRESS", "中关村大街1号", re.compile(r"某市某区某路\d+号")),
        ("LOCATION", "221B Baker Street", re.compile(r"\d+ Example Street")),
        ("CN_PASSPORT", "E12345678", re.compile(r"E[A-Z0-9]\d{7}")),
        ("IBAN_CODE", "GB82WEST12345698765432", re.compile(r"<IBAN_CODE_[0-9a-f]{8}>")),
        ("NRP", "汉族", re.compile(r"<NRP_[0-9a-f]{8}>")),
    ],
)
def test_formats(entity_type: str, text: str, shape: re.Pattern[str]) -> None:
    out = run(OP, text, entity_type, key=KEY)
    assert shape.fullmatch(out), out
    assert out != text


def test_chinese_name_has_known_surname() -> None:
    for i in range(200):
        out = pseudonym(KEY, f"张{i}", "PERSON")
        assert surname_length(out) in (1, 2)
        assert 2 <= len(out) <= 4


def test_latin_name_from_lists() -> None:
    first, last = pseudonym(KEY, "John Smith", "PERSON").split()
    assert first in EN_FIRST_NAMES
    assert last in EN_LAST_NAMES


@pytest.mark.parametrize(
    ("entity_type", "a", "b"),
    [
        ("PERSON", "John Smith", "  john   SMITH "),
        ("PERSON", "张三", "张三"),
        ("CN_PHONE", "13812345678", "138 1234 5678"),
        ("CN_ID", "11010519491231002x", "11010519491231002X"),
        ("EMAIL", "Zhang@QQ.com", "zhang@qq.com"),
    ],
)
def test_normalised_inputs_agree(entity_type: str, a: str, b: str) -> None:
    strip = re.compile(r"\W")
    assert strip.sub("", pseudonym(KEY, a, entity_type)) == strip.sub(
        "", pseudonym(KEY, b, entity_type)
    )


def test_consistent_across_calls_and_key_forms() -> None:
    first = run(OP, "张三", "PERSON", key=KEY)
    assert run(Pseudonym(), "张三", "PERSON", key=KEY) == first
    assert run(OP, "张三", "PERSON", key=OperatorKey(KEY)) == first


def test_type_is_part_of_the_derivation() -> None:
    assert pseudonym(KEY, "X-1", "FOO") != pseudonym(KEY, "X-1", "BAR").replace("BAR", "FOO")


@pytest.mark.parametrize(
    ("entity_type", "text"),
    [("PERSON", "张三"), ("PERSON", "John Smith"), ("CN_ID", "11010519491231002X"),
     ("BANK_CARD", "6222021234567890123"), ("CN_PHONE", "13812345678"),
     ("EMAIL", "a@qq.com")],
)
def test_different_keys_differ(entity_type: str, text: str) -> None:
    assert pseudonym(KEY, text, entity_type) != pseudonym(OTHER_KEY, text, entity_type)


def test_few_collisions_between_names() -> None:
    names = {pseudonym(KEY, f"用户{i}", "PERSON") for i in range(300)}
    assert len(names) >= 290


@settings(max_examples=200)
@given(st.from_regex(r"[1-6]\d{16}[0-9X]", fullmatch=True))
def test_generated_ids_pass_gb11643(value: str) -> None:
    out = pseudonym(KEY, value, "CN_ID")
    assert _id_valid(out), out


@settings(max_examples=200)
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=5).map(
        lambda groups: " ".join("4" * g for g in groups)
    ).filter(lambda s: len(s.replace(" ", "")) >= 2)
)
def test_generated_cards_pass_luhn_and_keep_layout(card: str) -> None:
    out = pseudonym(KEY, card, "BANK_CARD")
    assert [len(g) for g in out.split(" ")] == [len(g) for g in card.split(" ")]
    assert luhn_valid(out.replace(" ", ""))
    assert out[0] == card[0]


@pytest.mark.parametrize("card", ["6222021234567890123", "4111-1111-1111-1111", "6222 0212 3456"])
def test_card_examples(card: str) -> None:
    out = pseudonym(KEY, card, "CREDIT_CARD")
    assert luhn_valid(re.sub(r"\D", "", out))
    assert re.sub(r"\d", "0", out) == re.sub(r"\d", "0", card)


@given(st.text(min_size=1, max_size=20), st.sampled_from(["PERSON", "CN_PHONE", "URL", "EMAIL"]))
def test_deterministic(value: str, entity_type: str) -> None:
    assert pseudonym(KEY, value, entity_type) == pseudonym(KEY, value, entity_type)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"key": b"too short"},
        {"key": bytes(31)},
        {"key": "x" * 40},
        {"key": KEY, "entity_type": "person"},
        {"key": KEY, "entity_type": ""},
        {"key": KEY, "entity_type": None},
    ],
)
def test_validate_rejects(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamError):
        OP.validate({"entity_type": "PERSON", **params})


def test_operator_key_rejects_short_keys() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        OperatorKey(b"short")
