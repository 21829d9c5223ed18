from __future__ import annotations

import pytest

from anonymize.engine import PiiEngine
from anonymize.language import english_view, languages_of


@pytest.mark.parametrize(("text", "expected"), [
    ("张三住在北京", ("zh",)),
    ("John lives in Paris", ("en",)),
    ("联系 John Smith 电话 13812345678", ("zh", "en")),
    ("13812345678", ("en",)),
    ("", ("en",)),
    ("𠀀字 rare Han", ("zh", "en")),
])
def test_languages_by_content(text: str, expected: tuple[str, ...]) -> None:
    assert languages_of(text) == expected


def test_requested_language_wins() -> None:
    assert languages_of("张三", "en") == ("en",)


@pytest.mark.parametrize(("text", "view"), [
    ("张三的手机是13812345678", "      13812345678"),
    ("致电13812345678的John Smith", "  13812345678 John Smith"),
    ("邮箱：wang.wu@example.com。", "   wang.wu@example.com "),
    ("John Smith, 42", "John Smith, 42"),  # no-match: English text is unchanged
    ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # full-width letters and digits stay
])
def test_english_view_blanks_chinese_and_keeps_offsets(text: str, view: str) -> None:
    assert english_view(text) == view
    assert len(english_view(text)) == len(text)


@pytest.mark.parametrize("text", ["张三和John Smith见面", "致电13812345678找John Smith"])
def test_an_english_name_inside_chinese_is_found_alone(pii_engine: PiiEngine,
                                                       text: str) -> None:
    found = pii_engine.detect([text])[0]
    english = [d for d in found if "J" in text[d.start:d.end]]
    assert english, found
    for d in english:  # the name, not the sentence around it
        assert "见" not in text[d.start:d.end] and "找" not in text[d.start:d.end]
