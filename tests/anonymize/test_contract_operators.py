"""Every contract operator is honoured for every supported entity type, in Chinese, English
and mixed records, whichever recognizer found the value (the real engine)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from anonymize.engine import PiiEngine
from anonymize.entity_types import family
from anonymize.operators import anonymizer_engine
from anonymize.policy import build_policy
from anonymize.text import Replacement, TextRewriter
from vocabulary import OPERATOR_NAMES

# (type the value must be counted as, record, the value)
RECORDS = [
    ("PERSON", "张三今天来了。", "张三"),
    ("PERSON", "Please contact John Smith today.", "John Smith"),
    ("PERSON", "拍摄者 John Smith 今天来了。", "John Smith"),
    ("CN_ID", "身份证号11010519491231002X。", "11010519491231002X"),
    ("CN_ID", "ID 110101199101077874 on file.", "110101199101077874"),  # was DATE_TIME
    ("CN_ID", "ID 110101199101077874 已登记。", "110101199101077874"),
    ("CN_ID", "身份证 110101199003071232。", "110101199003071232"),  # wrong check digit
    ("CN_PHONE", "手机13812345678。", "13812345678"),
    ("CN_PHONE", "Call 13412342782 today.", "13412342782"),
    ("CN_PHONE", "Call 13412342782 拍摄者。", "13412342782"),  # was PHONE_NUMBER
    ("CN_PHONE", "手机15412345678。", "15412345678"),  # segment not allocated
    ("PHONE_NUMBER", "电话 +1 212-555-0187。", "+1 212-555-0187"),
    ("PHONE_NUMBER", "Call (212) 555-0187 today.", "(212) 555-0187"),
    ("PHONE_NUMBER", "Call (212) 555-0187 拍摄者。", "(212) 555-0187"),
    ("PHONE_NUMBER", "Call 020 7946 0018 now.", "020 7946 0018"),  # London, not Beijing
    ("BANK_CARD", "银行卡6222020012345678903。", "6222020012345678903"),
    ("BANK_CARD", "Card 4111111111111111 谢谢。", "4111111111111111"),
    ("CREDIT_CARD", "Paid with 4111111111111111 yesterday.", "4111111111111111"),
    ("EMAIL", "邮箱wang.wu@example.com谢谢。", "wang.wu@example.com"),
    ("EMAIL_ADDRESS", "Mail wang.wu@example.com today.", "wang.wu@example.com"),
    ("EMAIL", "邮箱 wang.wu@example.com please。", "wang.wu@example.com"),
    ("CN_PLATE", "车牌京A12345。", "京A12345"),
    ("CN_PLATE", "Plate 京A12345 seen.", "京A12345"),
    ("CN_PLATE", "车牌京ABCDEF。", "京ABCDEF"),  # a serial of letters
    ("CN_PASSPORT", "护照号E12345678。", "E12345678"),
    ("CN_PASSPORT", "护照 passport E12345678。", "E12345678"),
    ("CN_TRAVEL_PERMIT", "港澳通行证C12345678。", "C12345678"),
    ("CN_TRAVEL_PERMIT", "台胞证号码：12345678。", "12345678"),
    ("HK_ID", "香港身份证A123456(3)。", "A123456(3)"),
    ("HK_ID", "HKID A123456(3) on file.", "A123456(3)"),
    ("MO_ID", "澳门身份证1/234567/8。", "1/234567/8"),
    ("CN_USCC", "统一社会信用代码91350100M000100Y43。", "91350100M000100Y43"),
    ("VIN", "车架号LSVAB12C3D4567890。", "LSVAB12C3D4567890"),
    ("VIN", "VIN 1HGCM82633A004352 on file.", "1HGCM82633A004352"),
    ("WECHAT_ID", "微信号：wx_abc123。", "wx_abc123"),
    ("QQ_NUMBER", "QQ：12345678。", "12345678"),
    ("MEDICAL_RECORD_NUMBER", "住院号ZY2023-00123。", "ZY2023-00123"),
    ("STUDENT_ID", "学号2020123456。", "2020123456"),
    ("CN_ADDRESS", "住在北京市海淀区中关村大街1号。", "北京市海淀区中关村大街1号"),
    ("CN_ADDRESS", "地址：北京市海淀区中关村大街1号 邮编100080",
     "北京市海淀区中关村大街1号 邮编100080"),
    ("ADDRESS", "Mail to 1600 Pennsylvania Ave NW, Washington, DC 20500-0003, USA",
     "1600 Pennsylvania Ave NW, Washington, DC 20500-0003, USA"),
    ("ADDRESS", "Contact: 221B Baker Street, London NW1 6XE, UK",
     "221B Baker Street, London NW1 6XE, UK"),
    ("ADDRESS", "住址 221B Baker Street, London NW1 6XE, UK。",
     "221B Baker Street, London NW1 6XE, UK"),
    ("DATE_TIME", "Born on 12 March 1990.", "12 March 1990"),
    ("DATE_TIME", "Born on 12 March 1990 在北京。", "12 March 1990"),
    ("IP_ADDRESS", "IP 192.168.1.20。", "192.168.1.20"),
    ("IP_ADDRESS", "Server 192.168.1.20 is down.", "192.168.1.20"),
]
IDS = [f"{t}:{text}" for t, text, _ in RECORDS]
HASH = re.compile(r"[0-9a-f]{8,64}")
Rewrite = Callable[[dict[str, str], str], tuple[str, tuple[Replacement, ...]]]


@pytest.fixture(scope="module")
def rewrite(pii_engine: PiiEngine) -> Rewrite:
    def run(choices: dict[str, str], text: str) -> tuple[str, tuple[Replacement, ...]]:
        rewriter = TextRewriter(pii_engine, anonymizer_engine(), build_policy(choices, b"k" * 32))
        [done] = rewriter.rewrite([text])
        return done.text, done.replacements
    return run


def _the(replacements: tuple[Replacement, ...], value: str) -> Replacement:
    [found] = [r for r in replacements if r.original == value]
    return found


@pytest.mark.parametrize("operator", sorted(OPERATOR_NAMES))
@pytest.mark.parametrize(("entity_type", "text", "value"), RECORDS, ids=IDS)
def test_every_operator_for_every_type(rewrite: Rewrite, operator: str, entity_type: str,
                                       text: str, value: str) -> None:
    out, replacements = rewrite({entity_type: operator}, text)
    done = _the(replacements, value)
    assert (done.type, done.operator) == (entity_type, operator)
    if operator == "keep":
        assert value in out
        return
    assert value not in out
    if operator == "redact":
        assert done.replacement == f"[{entity_type}]"
    if operator == "hash":
        assert HASH.fullmatch(done.replacement)


@pytest.mark.parametrize(("entity_type", "text", "value"),
                         [r for r in RECORDS if len(family(r[0])) > 1],
                         ids=[i for i, r in zip(IDS, RECORDS, strict=True)
                              if len(family(r[0])) > 1])
def test_an_operator_holds_for_the_whole_family(rewrite: Rewrite, entity_type: str,
                                                text: str, value: str) -> None:
    for member in family(entity_type):
        out, replacements = rewrite({member: "redact"}, text)
        assert _the(replacements, value).operator == "redact", member
        assert value not in out and f"[{entity_type}]" in out


@pytest.mark.parametrize(("choices", "text", "expected"), [
    ({"ADDRESS": "generalize"}, "Contact: 221B Baker Street, London NW1 6XE, UK",
     "Contact: London, UK"),
    ({"CN_ADDRESS": "generalize"}, "Contact: 221B Baker Street, London NW1 6XE, UK",
     "Contact: London, UK"),  # through the family
    ({"ADDRESS": "pseudonym"}, "Contact: 221B Baker Street, London NW1 6XE, UK",
     "Example Street"),
])
def test_english_addresses_are_addresses_to_the_operators(
        rewrite: Rewrite, choices: dict[str, str], text: str, expected: str) -> None:
    assert expected in rewrite(choices, text)[0]
