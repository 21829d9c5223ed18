"""Prefiltered recognizers: skipped only on texts where their patterns cannot match."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from anonymize.engine import PREFILTERS, WARM_UP, build_registry
from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines
from anonymize.recognizers.person import LacModel
from anonymize.recognizers.prefilter import PrefilteredRecognizer

# A text each prefiltered recognizer finds something in (made-up numbers and names).
FOUND = {
    "CardNumberRecognizer": "card 4111 1111 1111 1111",
    "UsBankRecognizer": "account 123456789012",
    "UsLicenseRecognizer": "licence A1234567",
    "UsItinRecognizer": "itin 912-70-1234",
    "UsPassportRecognizer": "passport 912345678",
    "UsSsnRecognizer": "ssn 536-90-4399",
    "NhsRecognizer": "nhs 401 023 2137",
    "CryptoRecognizer": "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "DateRecognizer": "on 12/31/2020",
    "RegistryIbanRecognizer": "iban GB82 WEST 1234 5698 7654 32",
    "IpRecognizer": "from 10.0.0.1 and fe80::1",
    "IpWithPortRecognizer": "from 10.0.0.1:80 and [fe80::1]:443",
    "MedicalLicenseRecognizer": "dea AB1234563",
    "MacAddressRecognizer": "mac 00:1A:2B:3C:4D:5E",
    "UuidRecognizer": "id 123e4567-e89b-12d3-a456-426614174000",
    "UrlRecognizer": "see https://example.org/a",
    "EnglishAddressRecognizer": "at 12 Harbour Road",
    "EnglishPhoneRecognizer": "call +44 20 7946 0958 or 1-800-FLOWERS",
    "CnIdRecognizer": "身份证11010519491231002X",
    "CnAddressRecognizer": "住在北京市海淀区中关村大街1号",
    "CnPhoneRecognizer": "手机13812345678",
    "BankCardRecognizer": "卡号6222020200112233446",
    "CnPassportRecognizer": "护照E12345678",
    "CnPlateRecognizer": "车牌京A12345",
    "ZhEmailRecognizer": "邮箱zhang@example.com",
    "CnCreditCodeRecognizer": "信用代码91350100M000100Y43",
    "TravelPermitRecognizer": "港澳通行证C12345678",
    "HkIdRecognizer": "香港身份证A123456(3)",
    "MacauIdRecognizer": "澳门身份证1234567(8)",
    "VinRecognizer": "车架号LSVAB12C3D4567890",
    "WeChatIdRecognizer": "微信号wx_abc123",
    "QqNumberRecognizer": "QQ：12345678",
    "MedicalRecordRecognizer": "住院号ZY123456",
    "StudentIdRecognizer": "学号2020123456",
    "EnglishEmailRecognizer": "mail ann@bücher.de",
}
# Texts without what each prefilter looks for (so the recognizer is not run).
NOTHING = ["Hello there, Ann.", "no digits here at all", "张三住在北京", "Room: ten", ""]
ALPHABET = st.sampled_from([*"0123456789 -./:@#()abcfxAEBCGX京张海淀区路号楼", "corner", "北京",
                            "广东", "广西", "上海市", "大街", "小区"])


@pytest.fixture(scope="module")
def prefiltered() -> dict[str, PrefilteredRecognizer]:
    registry = build_registry(OfflineSpacyNlpEngine(load_pipelines()), LacModel())
    return {type(r.inner).__name__: r for r in registry.recognizers
            if isinstance(r, PrefilteredRecognizer)}


def _spans(recognizer: EntityRecognizer, text: str) -> list[tuple[int, int, str]]:
    """What the recognizer reports on its own (pattern recognizers need no NLP artifacts)."""
    results = recognizer.analyze(text, recognizer.supported_entities, cast(Any, None))
    return sorted((r.start, r.end, r.entity_type) for r in results)


def test_every_prefilter_names_a_recognizer(prefiltered: dict[str, PrefilteredRecognizer]
                                            ) -> None:
    assert set(prefiltered) == set(PREFILTERS) == set(FOUND)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_found_as_without_the_prefilter(prefiltered: dict[str, PrefilteredRecognizer],
                                        name: str) -> None:
    recognizer = prefiltered[name]
    assert _spans(recognizer.inner, FOUND[name])  # the example is a real match
    assert _spans(recognizer, FOUND[name]) == _spans(recognizer.inner, FOUND[name])
    assert recognizer.needs.search(WARM_UP)  # the engine's warm-up compiles its patterns


@pytest.mark.parametrize("name", sorted(FOUND))
@pytest.mark.parametrize("text", NOTHING)
def test_skipped_where_nothing_can_match(prefiltered: dict[str, PrefilteredRecognizer],
                                         name: str, text: str) -> None:
    recognizer = prefiltered[name]
    if not recognizer.needs.search(text):
        assert _spans(recognizer, text) == [] == _spans(recognizer.inner, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_prefilters_are_necessary(prefiltered: dict[str, PrefilteredRecognizer],
                                  text: str) -> None:
    """Whatever a recognizer finds, its prefilter lets through (random texts)."""
    for recognizer in prefiltered.values():
        if _spans(recognizer.inner, text):
            assert recognizer.needs.search(text), (type(recognizer.inner).__name__, text)


def test_the_wrapper_is_its_recognizer_to_presidio(
        prefiltered: dict[str, PrefilteredRecognizer]) -> None:
    recognizer = prefiltered["CardNumberRecognizer"]
    inner = recognizer.inner
    assert (recognizer.id, recognizer.supported_entities, recognizer.context) \
        == (inner.id, inner.supported_entities, inner.context)
    assert vars(recognizer)["name"] == vars(inner)["name"] == "CreditCardRecognizer"
    [result] = recognizer.analyze(FOUND["CardNumberRecognizer"], ["CREDIT_CARD"],
                                  cast(Any, None))
    assert recognizer.enhance_using_context("x", [result], [], cast(Any, None)) == [result]


@pytest.mark.parametrize("needs", ["", "x?", ".*"])
def test_a_prefilter_matching_every_text_is_refused(needs: str) -> None:
    inner = PatternRecognizer(supported_entity="X", patterns=[Pattern("x", "x", 0.5)])
    with pytest.raises(ValueError, match="matches every text"):
        PrefilteredRecognizer(inner, needs)


def test_case_follows_the_patterns() -> None:
    sensitive = PatternRecognizer(supported_entity="X", patterns=[Pattern("x", "ab", 0.5)],
                                  global_regex_flags=re.MULTILINE)
    assert not PrefilteredRecognizer(sensitive, "ab").needs.search("AB")
    insensitive = PatternRecognizer(supported_entity="X", patterns=[Pattern("x", "ab", 0.5)])
    assert PrefilteredRecognizer(insensitive, "ab").needs.search("AB")
