from __future__ import annotations

import pytest

from anonymize.language import languages_of


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
