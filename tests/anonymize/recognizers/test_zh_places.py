"""Chinese places from LAC: `place_spans` on hand-made tokens, the recognizer on real LAC."""

from __future__ import annotations

from typing import Any, cast

import pytest

from anonymize.recognizers.person import ChinesePersonRecognizer, LacModel
from anonymize.recognizers.person.lac_model import Marginals, Token
from anonymize.recognizers.zh_place_spans import place_spans
from anonymize.recognizers.zh_places import ChinesePlaceRecognizer


def tokens(tagged: str) -> list[Token]:
    """"上海/LOC 3号/m" -> [("上海", "LOC"), ("3号", "m")]."""
    return [cast(Token, tuple(item.rsplit("/", 1))) for item in tagged.split()]


def text_of(tagged: str) -> str:
    return "".join(word for word, _ in tokens(tagged))


@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        # adjacent LOC words are one place; a one-character LOC only inside a longer one
        ("住在/v 上海市徐汇区/LOC 漕溪北路/LOC", ["上海市徐汇区漕溪北路"]),
        ("南/LOC 大西洋/LOC 的/u 岛屿/n", ["南大西洋"]),
        # house numbers and units, also cut into several words
        ("西湖/LOC 3号/m 开盘/v", ["西湖3号"]),
        ("阳光家园/LOC 二期/m C座/n 申购/vn", ["阳光家园二期C座"]),
        ("华联商厦/LOC 1203/m 室/n", ["华联商厦1203室"]),
        ("光明小区/LOC 3区/m", ["光明小区3区"]),
        # directions and areas, "的" only before a direction
        ("法国/LOC 南部/f 的/u 天气/n", ["法国南部"]),
        ("海南岛/LOC 的/u 东北部/f", ["海南岛的东北部"]),
        ("巴西/LOC 中/f 西部/f 地区/n", ["巴西中西部地区"]),
        ("长江路/LOC 北侧/f", ["长江路北侧"]),
        ("南海/LOC 海域/n 巡航/v", ["南海海域"]),
        ("车站/LOC 门口/s 便利店/n 旁边/f", ["车站门口便利店旁边"]),
        # place nouns, with modifiers before them
        ("成都/LOC 展览馆/n 举行/v", ["成都展览馆"]),
        ("南湖/LOC 经济适用房/n 小区/n", ["南湖经济适用房小区"]),
        ("嘉定/LOC 大型/a 居住/vn 社区/n", ["嘉定大型居住社区"]),
        ("维多利亚/LOC 公园/n 球场/n", ["维多利亚公园球场"]),
        # a person or proper noun heading a place noun; a proper noun naming a route
        ("通过/p 鲁迅/PER 公园/n 散步/v", ["鲁迅公园"]),
        ("穿过/v 苗族/nz 新村/n", ["苗族新村"]),
        ("经过/v 京九线/nz ,/w", ["京九线"]),
        # no extension: prices, dates, order numbers, plain nouns, verbs
        ("在/p 上海/LOC 卖/v 120元/m", ["上海"]),
        ("上海/LOC 3号/TIME 下雨/v", ["上海"]),
        ("上海/LOC 订单/n 12345/m", ["上海"]),
        ("北京/LOC 的/u 朋友/n", ["北京"]),
        ("北京/LOC 中/f", ["北京"]),
        ("北京/LOC 网站/n", ["北京"]),
        ("北京/LOC 东方/nz 公司/n", ["北京"]),
        # no place at all
        ("京/LOC 剧/n", []),
        ("北京大学/ORG 图书馆/n", []),
        ("他/r 在/p 主题/n 公园/n 上班/v", []),
        ("张三/PER 去/v 公园/n", []),
        ("微信/nz 群/n", []),
        ("使用/v 微信/nz 支付/v", []),
        ("苗族/nz 歌手/n", []),
        ("", []),
    ],
)
def test_place_spans(tagged: str, expected: list[str]) -> None:
    text = text_of(tagged)
    assert [text[s:e] for s, e in place_spans(tokens(tagged))] == expected


class _FakeLac:
    """Returns fixed tokens, whatever the text."""

    def __init__(self, tagged: str) -> None:
        self._tokens = tokens(tagged)

    def run(self, text: str) -> list[Token]:
        return self._tokens


def test_recognizer_reports_places_and_organisations() -> None:
    tagged = "北京大学/ORG 在/p 北京/LOC 海淀区/LOC 颐和园路/LOC 5号/m"
    recognizer = ChinesePlaceRecognizer(LacModel(loader=lambda _d: _FakeLac(tagged)))
    text = text_of(tagged)
    results = recognizer.analyze(text, ["LOCATION", "ORGANIZATION"], cast(Any, None))
    assert sorted((r.entity_type, text[r.start:r.end]) for r in results) == [
        ("LOCATION", "北京海淀区颐和园路5号"), ("ORGANIZATION", "北京大学")]
    only_places = recognizer.analyze(text, ["LOCATION"], cast(Any, None))
    assert [r.entity_type for r in only_places] == ["LOCATION"]


class _UnsureLac(_FakeLac):
    """Fixed tokens, and CRF marginals that hold the PER word an organisation's name."""

    def tag_marginals(self, text: str) -> Marginals:
        return Marginals([0.0, 0.0, 0.4, 0.3, 0.0, 0.0, 0.0],
                         [0.9, 0.9, 0.1, 0.1, 0.0, 0.0, 0.0],
                         [0.0, 0.0, 0.4, 0.5, 0.0, 0.0, 0.0])


def test_a_person_word_lac_held_rather_an_organisation_is_reported_as_one() -> None:
    tagged = "厦门/LOC 松芝/PER 总经理/n"
    text = text_of(tagged)
    places = ChinesePlaceRecognizer(LacModel(loader=lambda _d: _UnsureLac(tagged)))
    found = places.analyze(text, ["LOCATION", "ORGANIZATION"], cast(Any, None))
    assert sorted((r.entity_type, text[r.start:r.end]) for r in found) == [
        ("LOCATION", "厦门"), ("ORGANIZATION", "松芝")]
    assert [r.entity_type for r in places.analyze(text, ["LOCATION"], cast(Any, None))] \
        == ["LOCATION"]
    person = ChinesePersonRecognizer(LacModel(loader=lambda _d: _UnsureLac(tagged)))
    assert person.analyze(text, ["PERSON"], cast(Any, None)) == []
    sure = ChinesePersonRecognizer(LacModel(loader=lambda _d: _FakeLac(tagged)))
    assert [text[r.start:r.end] for r in sure.analyze(text, ["PERSON"], cast(Any, None))] \
        == ["松芝"]


@pytest.fixture(scope="module")
def recognizer() -> ChinesePlaceRecognizer:
    return ChinesePlaceRecognizer(LacModel())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("法国南部的天气很好", ["法国南部"]),
        ("海南岛的东北部有很多椰子树", ["海南岛的东北部"]),
        ("下周去南京新街口商场买衣服", ["南京新街口商场"]),
        ("住在幸福家园二期C座", ["幸福家园二期C座"]),
        ("我想去巴西东南部地区旅游", ["巴西东南部地区"]),
        # no match
        ("他在主题公园上班", []),
        ("订单号12345已发货", []),
        ("上海3月5日有雨", ["上海"]),
        ("这件衣服在上海卖120元", ["上海"]),
    ],
)
def test_places_with_real_lac(recognizer: ChinesePlaceRecognizer, text: str,
                              expected: list[str]) -> None:
    results = recognizer.analyze(text, ["LOCATION"], cast(Any, None))
    assert [text[r.start:r.end] for r in results] == expected
