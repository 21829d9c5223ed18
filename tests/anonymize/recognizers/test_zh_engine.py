from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerResult

from anonymize.recognizers.zh_structured import (
    CnPassportRecognizer,
    CnPhoneRecognizer,
    zh_structured_recognizers,
)
from tests.anonymize.recognizers.engine_helper import zh_analyzer

# Astral-plane characters (𠀀, an emoji) before the entities: offsets must count code points,
# not UTF-16 units or bytes.
TEXT = (
    "𠀀😀身份证号：11010519491231002X，手机+86 138 1234 5678，邮箱abc@qq.com谢谢。"
    "车牌京A·D12345，住在北京市朝阳区建国路88号，卡号6222 0202 0012 3456 788，护照E12345678。"
    "信用代码91350100M000100Y43，港澳通行证C12345678，香港身份证A123456(3)，"
    "澳门身份证1/234567/8，微信号wx_abc123，QQ：12345678，车架号1HGCM82633A004352，"
    "住院号ZY2023-00123，学号2020123456。"
)
EXPECTED = {
    ("CN_ID", "11010519491231002X"),
    ("CN_PHONE", "+86 138 1234 5678"),
    ("EMAIL", "abc@qq.com"),
    ("CN_PLATE", "京A·D12345"),
    ("CN_ADDRESS", "北京市朝阳区建国路88号"),
    ("BANK_CARD", "6222 0202 0012 3456 788"),
    ("CN_PASSPORT", "E12345678"),
    ("CN_USCC", "91350100M000100Y43"),
    ("CN_TRAVEL_PERMIT", "C12345678"),
    ("HK_ID", "A123456(3)"),
    ("MO_ID", "1/234567/8"),
    ("WECHAT_ID", "wx_abc123"),
    ("QQ_NUMBER", "12345678"),
    ("VIN", "1HGCM82633A004352"),
    ("MEDICAL_RECORD_NUMBER", "ZY2023-00123"),
    ("STUDENT_ID", "2020123456"),
}


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return zh_analyzer(zh_structured_recognizers())


def test_every_type_once_with_code_point_offsets(analyzer: AnalyzerEngine) -> None:
    results = analyzer.analyze(TEXT, language="zh")
    assert {(r.entity_type, TEXT[r.start : r.end]) for r in results} == EXPECTED
    assert len(results) == len(EXPECTED)


def test_registry_has_one_recognizer_per_type() -> None:
    entities = [e for r in zh_structured_recognizers() for e in r.supported_entities]
    assert sorted(entities) == sorted(e for e, _ in EXPECTED)
    assert {r.supported_language for r in zh_structured_recognizers()} == {"zh"}


def _score(analyzer: AnalyzerEngine, text: str, entity: str) -> float:
    [result] = analyzer.analyze(text, language="zh", entities=[entity])
    return result.score


@pytest.mark.parametrize(
    ("plain", "with_context", "entity"),
    [
        ("编号E12345678", "护照号码：E12345678", "CN_PASSPORT"),
        ("编号G12345678", "旧护照号G12345678", "CN_PASSPORT"),
        ("来自13812345678", "手机号码13812345678", "CN_PHONE"),
        ("来自010-62345678", "联系电话：010-62345678", "CN_PHONE"),
        ("编号110105491231002", "身份证号110105491231002", "CN_ID"),
        ("编号京A12345", "车牌号京A12345", "CN_PLATE"),
        ("他在北京市朝阳区", "家住北京市朝阳区", "CN_ADDRESS"),
    ],
)
def test_context_words_raise_the_score(
    analyzer: AnalyzerEngine, plain: str, with_context: str, entity: str
) -> None:
    assert _score(analyzer, with_context, entity) > _score(analyzer, plain, entity)


def test_context_passed_to_analyze_counts(analyzer: AnalyzerEngine) -> None:
    [result] = analyzer.analyze("编号E12345678", language="zh", context=["护照"])
    assert result.score == pytest.approx(0.75)


def test_context_boost_is_marked_so_it_is_applied_once(analyzer: AnalyzerEngine) -> None:
    [result] = analyzer.analyze(
        "护照号码：E12345678", language="zh", return_decision_process=True
    )
    assert result.score == pytest.approx(0.4 + CnPassportRecognizer.CONTEXT_SIMILARITY_FACTOR)
    assert result.analysis_explanation is not None
    assert result.analysis_explanation.supportive_context_word == "护照"
    assert result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY]


def test_context_window_is_bounded(analyzer: AnalyzerEngine) -> None:
    far = "手机" + "，" * CnPhoneRecognizer.CONTEXT_WINDOW + "13812345678"
    assert _score(analyzer, far, "CN_PHONE") == pytest.approx(0.5)
