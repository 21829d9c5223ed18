"""ChinesePersonRecognizer end to end (real LAC) and its rules on hand-made tokens."""

from __future__ import annotations

import pytest

from anonymize.recognizers.person import (
    ChinesePersonRecognizer,
    LacModel,
    person_recognizers,
    zh_rules,
)
from anonymize.recognizers.person.lac_model import Token
from anonymize.recognizers.person.surnames import surname_length


@pytest.fixture(scope="module")
def recognizer() -> ChinesePersonRecognizer:
    return ChinesePersonRecognizer(LacModel())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三在北京工作", ["张三"]),
        ("欧阳娜娜是演员", ["欧阳娜娜"]),
        ("司马光砸缸", ["司马光"]),
        ("本报记者封屹报道", ["封屹"]),
        ("曹国其先生：1978年出生", ["曹国其"]),
        ("加文·胡德高执导的电影", ["加文·胡德高"]),
        ("梅内兹（menez）打入一球", ["梅内兹（menez）"]),
        # an English name whatever follows it (LAC read "Smith。QZX7731" as one word)
        ("住在北京市海淀区中关村大街1号。拍摄者 John Smith。QZX7731", ["John Smith"]),
        ("拍摄者 John Smith", ["John Smith"]),
        # no-match rows
        ("我们去张家口旅游", []),
        ("王府井大街很热闹", []),
        ("今天天气很好", []),
        ("", []),
    ],
)
def test_person_spans(recognizer: ChinesePersonRecognizer, text: str, expected: list[str]) -> None:
    results = recognizer.analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in results] == expected
    assert all(r.entity_type == "PERSON" and 0 < r.score <= 0.85 for r in results)


def test_other_entities_requested(recognizer: ChinesePersonRecognizer) -> None:
    assert recognizer.analyze("张三在北京工作", ["PHONE_NUMBER"]) == []


def test_unknown_rule_rejected() -> None:
    with pytest.raises(ValueError, match="unknown"):
        ChinesePersonRecognizer(LacModel(), rules=["nope"])


def test_person_recognizers_languages() -> None:
    recs = person_recognizers(LacModel())
    assert sorted(r.supported_language for r in recs) == ["en", "zh"]
    assert all(r.supported_entities == ["PERSON"] for r in recs)


def _spans(tokens: list[Token], rules: tuple[str, ...]) -> list[str]:
    text = "".join(w for w, _ in tokens)
    return [text[s.start : s.end] for s in zh_rules.person_spans(tokens, text, rules)]


@pytest.mark.parametrize(
    ("tokens", "rules", "expected"),
    [
        ([("欧阳", "n"), ("娜娜", "PER")], ("surname",), ["欧阳娜娜"]),
        ([("和", "c"), ("小明", "PER")], ("surname",), ["小明"]),
        ([("张裕", "PER"), ("能", "v"), ("：", "w")], ("given",), ["张裕能"]),
        ([("罗总", "PER"), ("的", "u"), ("介绍", "v")], ("given",), ["罗总"]),
        ([("汤姆", "PER"), ("-", "w"), ("克鲁斯", "PER")], ("join",), ["汤姆-克鲁斯"]),
        ([("记者", "n"), ("王小", "v")], ("cue",), ["王小"]),
        ([("公关部", "n"), ("经理", "n")], ("cue",), []),
        ([("地址", "n"), ("：", "w"), ("北京", "LOC")], ("speaker",), []),
        ([("姜山", "n"), ("：", "w"), ("你好", "v")], ("speaker",), ["姜山"]),
        ([("紫英", "PER"), ("和", "c"), ("紫英", "n")], ("repeat",), ["紫英", "紫英"]),
        ([("老王", "n"), ("来", "v")], ("honorific",), ["老王"]),
        ([("金", "PER"), ("大侠", "n")], (), []),
        ([("者", "n"), (" ", "w"), ("John", "PER"), (" ", "w"), ("Smith。QZX7731", "nz")],
         ("latin",), ["John Smith"]),
        ([("Mary", "n"), (" ", "w"), ("Jane", "n"), (" ", "w"), ("Watson", "PER")],
         ("latin",), ["Mary Jane Watson"]),
        ([("John", "PER"), (" ", "w"), ("smith", "n")], ("latin",), ["John"]),
        ([("John", "PER"), (" ", "w"), ("Smithers2", "nz")], ("latin",), ["John"]),
    ],
)
def test_rules(tokens: list[Token], rules: tuple[str, ...], expected: list[str]) -> None:
    assert _spans(tokens, rules) == expected


@pytest.mark.parametrize(
    ("text", "length"), [("欧阳娜娜", 2), ("王小明", 1), ("诸葛亮", 2), ("的确", 0), ("", 0)]
)
def test_surname_length(text: str, length: int) -> None:
    assert surname_length(text) == length
