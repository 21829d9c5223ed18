from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from anonymize.recognizers.zh_structured import (
    MedicalRecordRecognizer,
    QqNumberRecognizer,
    StudentIdRecognizer,
    WeChatIdRecognizer,
)
from tests.anonymize.recognizers.engine_helper import spans, where


@pytest.mark.parametrize(
    ("recognizer", "text", "expected"),
    [
        (WeChatIdRecognizer(), "微信号：zhang_wei-88，加我", ["zhang_wei-88"]),
        (WeChatIdRecognizer(), "加我wx：Abc12345", ["Abc12345"]),
        (WeChatIdRecognizer(), "WeChat: lily2024", ["lily2024"]),
        (WeChatIdRecognizer(), "加V：zhangsan_88", ["zhangsan_88"]),
        (WeChatIdRecognizer(), "微信 wxid_k2j3h4", ["wxid_k2j3h4"]),
        (WeChatIdRecognizer(), "微信同号", []),
        (WeChatIdRecognizer(), "微信号12345678", []),  # a letter first (a phone is CN_PHONE's)
        (WeChatIdRecognizer(), "微信abc12", []),  # too short
        (WeChatIdRecognizer(), "关注wxabcdefg", []),  # no gap after the cue, no id
        (QqNumberRecognizer(), "QQ：12345678", ["12345678"]),
        (QqNumberRecognizer(), "qq号码 1234567890，", ["1234567890"]),
        (QqNumberRecognizer(), "扣扣98765", ["98765"]),
        (QqNumberRecognizer(), "QQ：01234567", []),  # never a leading 0
        (QqNumberRecognizer(), "QQ：1234", []),  # too short
        (QqNumberRecognizer(), "编号12345678", []),
        (MedicalRecordRecognizer(), "病历号：ZY2023-00123，", ["ZY2023-00123"]),
        (MedicalRecordRecognizer(), "住院号1234567 床号12", ["1234567"]),
        (MedicalRecordRecognizer(), "门诊号 MZ88812345", ["MZ88812345"]),
        (MedicalRecordRecognizer(), "编号1234567", []),
        (StudentIdRecognizer(), "学号：2020123456", ["2020123456"]),
        (StudentIdRecognizer(), "学籍号S20201234。", ["S20201234"]),
        (StudentIdRecognizer(), "学号是多少", []),
    ],
)
def test_after_their_cue_words(recognizer: EntityRecognizer, text: str,
                               expected: list[str]) -> None:
    assert spans(recognizer, text) == where(text, *expected)
