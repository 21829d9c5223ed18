from __future__ import annotations

import socket

import pytest

from anonymize.recognizers.zh_structured import ZhEmailRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = ZhEmailRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱abc@qq.com谢谢", ["abc@qq.com"]),
        ("请发至zhang.wei88@163.com。", ["zhang.wei88@163.com"]),
        ("邮箱：li_na@mail.tsinghua.edu.cn，", ["li_na@mail.tsinghua.edu.cn"]),
        ("hr@huawei-tech.com.cn或者12345678@qq.com", ["hr@huawei-tech.com.cn",
                                                      "12345678@qq.com"]),
        ("Email: Tony.Z+cv@Gmail.COM.", ["Tony.Z+cv@Gmail.COM"]),
        ("联系x@example.org.cn", ["x@example.org.cn"]),
        # no match
        ("a@b", []),
        ("user@localhost", []),
        ("关注@handle获取更多", []),
        # shape decides: an unknown suffix or a mailbox under gov.cn is still an address
        ("user@foo.invalidtld", ["user@foo.invalidtld"]),
        ("邮箱kefu@gov.cn", ["kefu@gov.cn"]),
        ("a@b.c", []),
        ("价格@10.00元", []),
    ],
)
def test_zh_email(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_an_address_under_no_known_suffix_scores_below_one_under_a_suffix() -> None:
    [unknown] = RECOGNIZER.analyze("user@foo.invalidtld", ["EMAIL"])
    [known] = RECOGNIZER.analyze("user@foo.com", ["EMAIL"])
    assert unknown.score == RECOGNIZER.SHAPE_ONLY_SCORE < known.score


def test_tld_check_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    recognizer = ZhEmailRecognizer()
    assert spans(recognizer, "邮箱abc@qq.com") == [(2, 12)]
