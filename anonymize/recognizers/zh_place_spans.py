"""Place spans from LAC tokens: LOC words joined with what Chinese attaches to a place.

LAC cuts an address into words and tags only the names: "上海市徐汇区/LOC 漕溪北路/LOC",
"西湖/LOC 3号/m", "法国/LOC 南部/f", "成都/LOC 展览馆/n". Reported one word at a time, the
pieces cover too little of the place. A span here starts at a LOC word (or at a proper noun
or person name that heads a place: 京沪线/nz, 鲁迅/PER 公园/n) and takes the words that
follow while they are another LOC, a house number (3号, 二期, C座, 1203 室), a direction or
area (南部, 的东北部, 北侧, 地区, 门口, 海域) or a place noun ending in a facility or estate
suffix (展览馆, 经济适用房 小区, 球场, 便利店). Nothing extends to the left: what precedes a
name is rarely part of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from anonymize.recognizers.person.lac_model import Token

Span = tuple[int, int]
_Rule = Callable[[Sequence[Token], int], int]

_LOC = "LOC"
_MAX_WORDS = 3  # a number, direction or place noun is at most this many LAC words

# House numbers and their units, as LAC cuts them ("56号", "1203" + "室", "二期", "C座").
_NUMBER = re.compile(
    r"(?:[0-9A-Za-z一二三四五六七八九十百零\u3007]{1,6}(?:-[0-9]{1,4})?"
    r"(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|期|区|弄|巷|排))+"
)
# Compass directions and areas around a place; "的" only before a direction (海南岛的东北部).
_AREA = (
    "地区|地带|一带|附近|周边|周围|境内|沿岸|沿海|沿线|郊区|市区|城区|街头|门口|旁边|对面"
    "|海域|水域|流域|腹地|边境"
)
_DIRECTION = re.compile(
    rf"(?:的?[东南西北中]{{1,3}}(?:部|侧|面|边|端|郊|岸|麓)(?:{_AREA})?|{_AREA})"
)
# Facilities, estates and shops: "X广场", "X经济适用房小区", "X展览馆", "X门口便利店".
_FACILITIES = (
    "广场|球场|赛场|体育场|体育馆|球馆|场馆|商场|商城|商厦|购物中心|会展中心|会议中心"
    "|展览馆|公园|花园|小区|社区|街区|园区|校区|景区|新区|开发区|城镇|小镇|新村|村|庄园"
    "|山庄|别墅|公寓|大厦|大楼|酒店|宾馆|饭店|机场|车站|码头|大桥|超市|小卖部|便利店"
    "|网吧|店|地块|度假村"
)
_PLACE_SUFFIX = re.compile(rf"(?:{_FACILITIES})$")
# Proper nouns (nz) that LAC leaves untagged although they name a place: routes (京九线),
# roads, ports, islands and facilities.
_PROPER_PLACE = re.compile(rf"(?:{_FACILITIES}|线|路|街|大道|桥|港|站|岛|湾)$")
# Words before the suffixed noun: modifiers and names (大型 居住 社区, 经济适用房 小区).
_MODIFIER_TAGS = frozenset({"n", "nz", "vn", "an", "a", "s", "LOC"})
_NOUN_TAGS = frozenset({"n", "nz", "s", "vn"})
# Names that head a place when a place noun follows: people (中山 公园) and proper nouns.
_NAME_TAGS = frozenset({"PER", "nz"})


def _joined(tokens: Sequence[Token], start: int, pattern: re.Pattern[str]) -> int:
    """How many words from ``start`` (the most, up to _MAX_WORDS) join into ``pattern``.

    A word LAC tagged TIME never joins: "3号" there is a date, not a house number.
    """
    text = ""
    best = 0
    for count, (word, tag) in enumerate(tokens[start:start + _MAX_WORDS], start=1):
        if tag == "TIME":
            break
        text += word
        if pattern.fullmatch(text):
            best = count
    return best


def _number(tokens: Sequence[Token], start: int) -> int:
    return _joined(tokens, start, _NUMBER)


def _direction(tokens: Sequence[Token], start: int) -> int:
    return _joined(tokens, start, _DIRECTION)


def _place_noun(tokens: Sequence[Token], start: int) -> int:
    """Words up to and including a noun with a place suffix, modifiers before it."""
    for count, (word, tag) in enumerate(tokens[start:start + _MAX_WORDS], start=1):
        if tag in _NOUN_TAGS and _PLACE_SUFFIX.search(word):
            return count
        if tag not in _MODIFIER_TAGS:
            return 0
    return 0


def _loc(tokens: Sequence[Token], start: int) -> int:
    return 1 if tokens[start][1] == _LOC else 0


def _starts_place(tokens: Sequence[Token], index: int) -> bool:
    """A LOC word, a proper noun that names a place or route (京九线), or a person or
    proper name before a place noun (鲁迅 公园, 苗族 新村)."""
    word, tag = tokens[index]
    if tag == _LOC:
        return True
    if tag == "nz" and len(word) > 2 and _PROPER_PLACE.search(word):
        return True
    return tag in _NAME_TAGS and index + 1 < len(tokens) and _place_noun(tokens, index + 1) > 0


_EXTENSIONS: tuple[_Rule, ...] = (_loc, _number, _direction, _place_noun)


def place_spans(tokens: Sequence[Token]) -> list[Span]:
    """Character spans of the places in a LAC-tokenised text, two or more characters long.

    Single-character LOC words ("南" in "南/LOC 大西洋/LOC") count only inside a longer span.
    """
    starts: list[int] = []
    position = 0
    for word, _tag in tokens:
        starts.append(position)
        position += len(word)
    starts.append(position)
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        if not _starts_place(tokens, index):
            index += 1
            continue
        end = index + 1
        while end < len(tokens):
            taken = next((n for rule in _EXTENSIONS if (n := rule(tokens, end))), 0)
            if not taken:
                break
            end += taken
        if starts[end] - starts[index] > 1:
            spans.append((starts[index], starts[end]))
        index = end
    return spans
