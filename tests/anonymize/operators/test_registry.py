from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from presidio_anonymizer.entities import InvalidParamError, OperatorConfig, RecognizerResult

from anonymize.operators import (
    OPERATORS,
    OperatorKey,
    anonymize_text,
    anonymizer_engine,
    default_policy,
    keyed,
)
from tests.anonymize.operators.helpers import KEY, OTHER_KEY

REPO = Path(__file__).resolve().parents[3]


def _at(text: str, entity_type: str, value: str) -> RecognizerResult:
    start = text.index(value)
    return RecognizerResult(entity_type, start, start + len(value), 0.9)


def test_registry_is_explicit_and_named() -> None:
    names = [op().operator_name() for op in OPERATORS]
    assert names == ["surname", "pseudonym", "mask", "redact", "hash", "generalize"]
    engine = anonymizer_engine()
    available = set(engine.get_anonymizers())
    assert set(names) <= available
    assert "encrypt" not in available


@pytest.mark.parametrize(
    ("text", "results", "expected"),
    [
        (
            "张三的手机是13812345678",
            [("PERSON", "张三"), ("CN_PHONE", "13812345678")],
            "张某的手机是138****5678",
        ),
        (
            "欧阳娜娜住在广东省深圳市南山区科苑路15号，身份证11010519491231002X，"
            "邮箱nana@qq.com，车牌京A·12345，2023年10月12日入职，卡号6222021234567890123。",
            [("PERSON", "欧阳娜娜"), ("CN_ADDRESS", "广东省深圳市南山区科苑路15号"),
             ("CN_ID", "11010519491231002X"), ("EMAIL", "nana@qq.com"),
             ("CN_PLATE", "京A·12345"), ("DATE_TIME", "2023年10月12日"),
             ("BANK_CARD", "6222021234567890123")],
            "欧阳某住在广东省深圳市，身份证110105********002X，邮箱n***@qq.com，车牌京A·*****，"
            "2023年入职，卡号***************0123。",
        ),
        (
            "Call John Smith at (212) 555-0100 or john@corp.com; SSN 123-45-6789, "
            "born 10/12/1980 in Springfield.",
            [("PERSON", "John Smith"), ("PHONE_NUMBER", "(212) 555-0100"),
             ("EMAIL_ADDRESS", "john@corp.com"), ("US_SSN", "123-45-6789"),
             ("DATE_TIME", "10/12/1980"), ("LOCATION", "Springfield")],
            "Call S. at (212) ***-0100 or j***@corp.com; SSN [US_SSN], "
            "born 1980 in Springfield.",
        ),
    ],
)
def test_default_policy_end_to_end(
    text: str, results: list[tuple[str, str]], expected: str
) -> None:
    engine = anonymizer_engine()
    analyzer_results = [_at(text, t, v) for t, v in results]
    assert anonymize_text(engine, text, analyzer_results, default_policy(KEY)) == expected
    result = engine.anonymize(text, analyzer_results, operators=default_policy(KEY))
    assert result.text == expected


def test_pseudonym_consistent_across_engines_and_processes() -> None:
    text = "张三给张三打电话"
    results = [RecognizerResult("PERSON", 0, 2, 0.9), RecognizerResult("PERSON", 3, 5, 0.9)]
    policy = {"PERSON": OperatorConfig("pseudonym", keyed(KEY))}
    first = anonymize_text(anonymizer_engine(), text, results, policy)
    name, sep, rest = first.partition("给")
    assert sep
    assert rest == name + "打电话"
    assert name != "张三"
    assert anonymize_text(anonymizer_engine(), text, results, policy) == first
    other = {"PERSON": OperatorConfig("pseudonym", keyed(OTHER_KEY))}
    assert anonymize_text(anonymizer_engine(), text, results, other) != first
    # a fresh interpreter (different str hash seed) gives the same pseudonym
    code = (
        "from anonymize.operators import pseudonym; "
        "print(pseudonym(bytes(range(32)), '张三', 'PERSON'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"}, cwd=REPO,
    ).stdout.strip()
    assert out == name


def test_keyed_operators_through_the_engine() -> None:
    text = "电话13812345678"
    results = [RecognizerResult("CN_PHONE", 2, 13, 0.9)]
    hashed = anonymize_text(
        anonymizer_engine(), text, results,
        {"CN_PHONE": OperatorConfig("hash", {**keyed(KEY), "length": 12})},
    )
    assert len(hashed) == 2 + 12
    with pytest.raises(InvalidParamError):
        anonymize_text(
            anonymizer_engine(), text, results,
            {"CN_PHONE": OperatorConfig("hash", {"key": b"short"})},
        )


def test_redact_replaces_presidio_deleting_redact() -> None:
    text = "Mail john@corp.com now"
    results = [_at(text, "EMAIL_ADDRESS", "john@corp.com")]
    out = anonymize_text(
        anonymizer_engine(), text, results, {"DEFAULT": OperatorConfig("redact")}
    )
    assert out == "Mail [EMAIL_ADDRESS] now"


def test_keys_never_printed(caplog: pytest.LogCaptureFixture) -> None:
    secret = b"S3CRET-" + bytes(range(40, 65))
    policy = {**default_policy(secret), "PERSON": OperatorConfig("pseudonym", keyed(secret))}
    printed = repr(policy) + str(policy)
    for form in (repr(secret), secret.hex(), "S3CRET"):
        assert form not in printed
    assert "OperatorKey(<redacted>)" in printed
    with caplog.at_level(logging.DEBUG):
        anonymize_text(
            anonymizer_engine(), "张三", [RecognizerResult("PERSON", 0, 2, 0.9)], policy
        )
    assert "S3CRET" not in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(OperatorKey(secret))


def test_default_policy_rejects_short_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        default_policy(b"short")
