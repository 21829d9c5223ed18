"""Chinese names in template sentences and the filters that drop non-names.

The sentences are written for these tests (general shapes of forms, messages, news and
match reports), not taken from any corpus.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymize.recognizers.person import ChinesePersonRecognizer, LacModel, zh_rules
from anonymize.recognizers.person.lac_model import Marginals
from anonymize.recognizers.person.spans import Span
from anonymize.recognizers.person.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES
from anonymize.recognizers.person.zh_filters import (
    Context,
    bare_surname,
    english_word,
    function_characters,
    in_cut_title,
    more_place_or_organisation,
    names_only,
    place_or_organisation,
    unsure_model,
)
from anonymize.recognizers.person.zh_words import ADDRESS_TITLES, FORM_LABELS


@pytest.fixture(scope="module")
def recognizer() -> ChinesePersonRecognizer:
    return ChinesePersonRecognizer(LacModel())


def _found(recognizer: ChinesePersonRecognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, ["PERSON"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系人：王小明，电话13812345678", ["王小明"]),
        ("收件人 欧阳娜娜 13912345678", ["欧阳娜娜"]),
        ("乘客阿不都·热合曼的车票已改签", ["阿不都·热合曼"]),
        ("患者买买提•艾力于昨日出院", ["买买提•艾力"]),
        ("申请人：努尔艾力·买买提，电话：0991-1234567", ["努尔艾力·买买提"]),
        ("持卡人马超的银行卡尾号为4321", ["马超"]),
        ("致扎西次仁：您的包裹已到", ["扎西次仁"]),
        ("【快递】东方白您好，取件码8848", ["东方白"]),
        ("业主褚卫国明天搬家", ["褚卫国"]),
        ("司马相宜的护照快到期了", ["司马相宜"]),
        ("车主：覃秀兰，车牌桂A12345", ["覃秀兰"]),
        ("经办人陈静2024年3月2日签字", ["陈静"]),
        ("陈思远于昨日办理了业务", ["陈思远"]),
        ("房东王小明的微信号是abc123", ["王小明"]),
        ("队长托蒂缺阵，罗马客场0:1告负", ["托蒂"]),
        ("马云董事长在大会上讲话", ["马云"]),  # a name before a title stays
    ],
)
def test_names_in_sentences(recognizer: ChinesePersonRecognizer, text: str,
                            expected: list[str]) -> None:
    assert _found(recognizer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "张先生昨天来过",  # a bare surname and a form of address
        "李阿姨在楼下买菜",
        "问一下王总：方案定了吗",
        "老王和小李去钓鱼",
        "他在读《红楼梦：林黛玉传》",  # inside a work's title
        "徐悲鸿纪念馆今天闭馆",  # heads an organisation's name
        "据开发商索尼克斯表示，新作明年上市",  # a company after 开发商
        "巴勒莫主场2:1击败了都灵",  # a club in a match report
        "职工董事。",
        "联系方式：见附件",
        "今天天气很好",
    ],
)
def test_not_names(recognizer: ChinesePersonRecognizer, text: str) -> None:
    assert _found(recognizer, text) == []


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ([("配音", "v"), ("佐藤み", "PER"), ("な", "w"), ("み", "w")], ["佐藤みなみ"]),
        ([("配音", "v"), ("佐藤", "PER"), ("なみ", "w")], ["佐藤"]),
    ],
)
def test_kana_completes_a_japanese_name(tokens: list[tuple[str, str]],
                                        expected: list[str]) -> None:
    text = "".join(w for w, _ in tokens)
    spans = zh_rules.person_spans(tokens, text, ("kana",))
    assert [text[s.start:s.end] for s in spans] == expected


_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍鹏建飞"
surnames = st.sampled_from(sorted(SINGLE_SURNAMES | COMPOUND_SURNAMES))
given_names = st.text(alphabet=_GIVEN, min_size=1, max_size=2)


@given(label=st.sampled_from(FORM_LABELS), surname=surnames, given_name=given_names,
       colon=st.sampled_from(["", "：", " "]), after=st.sampled_from(["，", "13912345678", ""]))
def test_form_value_is_the_name(label: str, surname: str, given_name: str, colon: str,
                                after: str) -> None:
    name = surname + given_name
    text = label + colon + name + after
    start = len(label + colon)
    assert Span(start, start + len(name), zh_rules.RULE_SCORE, "form") in \
        zh_rules.form_names(text)


@given(surname=surnames, title=st.sampled_from(sorted(ADDRESS_TITLES)),
       after=st.sampled_from(["", "说", "，"]))
def test_bare_surname_with_a_title_is_no_name(surname: str, title: str, after: str) -> None:
    text = surname + title + after
    ctx = Context.of(text, [(text, "n")], [0])
    assert bare_surname(Span(0, len(surname + title), 0.85, "lac"), ctx)


@pytest.mark.parametrize(
    ("word", "dropped"),
    [("何也", True), ("王的", True), ("李这", True), ("何平", False), ("王羲之", False)],
)
def test_function_characters_after_a_surname(word: str, dropped: bool) -> None:
    ctx = Context.of(word, [(word, "PER")], [0])
    assert function_characters(Span(0, len(word), 0.85, "lac"), ctx) is dropped


def _span_in(tokens: list[tuple[str, str]], index: int) -> tuple[Span, Context]:
    """The span of ``tokens[index]`` and the context of the tokens' text."""
    text = "".join(w for w, _ in tokens)
    starts = zh_rules.offsets(tokens)
    span = Span(starts[index], starts[index] + len(tokens[index][0]), 0.85, "lac")
    return span, Context.of(text, tokens, starts)


@pytest.mark.parametrize(
    ("text", "word", "dropped"),
    [
        ("王大锤：归来》、《新作》上映", "王大锤", True),  # the text began inside a title
        ("他在读《王大锤传奇", "王大锤", True),  # and this one ends inside one
        ("王大锤读完《新作》", "王大锤", False),
        ("《新作》的作者王大锤", "王大锤", False),
    ],
)
def test_a_span_in_a_title_cut_by_the_text_is_no_name(text: str, word: str,
                                                      dropped: bool) -> None:
    start = text.index(word)
    ctx = Context.of(text, [(c, "n") for c in text], list(range(len(text))))
    assert in_cut_title(Span(start, start + len(word), 0.85, "lac"), ctx) is dropped


@pytest.mark.parametrize(
    ("rule", "confidence", "dropped"),
    [
        ("lac", [0.0, 0.0, 0.9, 0.15], True),  # LAC unsure of one of the word's characters
        ("lac", [0.0, 0.0, 0.9, 0.5], False),
        ("cue", [0.0, 0.0, 0.1, 0.1], False),  # a rule's evidence stands
        ("lac+form", [0.0, 0.0, 0.1, 0.1], False),
        ("lac", None, False),  # a model that cannot tell
    ],
)
def test_a_word_lac_was_unsure_of(rule: str, confidence: list[float] | None,
                                  dropped: bool) -> None:
    text = "他说常青"
    calls: list[int] = []

    def confidence_of() -> Marginals | None:
        calls.append(1)
        if confidence is None:
            return None
        return Marginals([p / 2 for p in confidence], [p / 2 for p in confidence],
                         [0.0] * len(confidence))

    ctx = Context.of(text, [("他说", "v"), ("常青", "PER")], [0, 2], confidence_of)
    span = Span(2, 4, 0.85, rule)
    assert unsure_model(span, ctx) is dropped
    assert unsure_model(span, ctx) is dropped
    assert len(calls) <= 1  # computed once, and only when a bare LAC word asks


@pytest.mark.parametrize(
    ("person", "place", "organisation", "expected"),
    [
        ([0.4, 0.3], [0.1, 0.1], [0.4, 0.5], "ORG"),  # 厦门|松芝|总经理: a company
        ([0.4, 0.4], [0.5, 0.3], [0.1, 0.0], "LOC"),
        ([0.5, 0.4], [0.1, 0.1], [0.3, 0.3], None),  # a person is likelier
        ([0.9, 0.9], [0.0, 0.0], [0.0, 0.0], None),
    ],
)
def test_a_word_lac_held_rather_a_place_or_an_organisation(
        person: list[float], place: list[float], organisation: list[float],
        expected: str | None) -> None:
    text = "厦门松芝总经理"
    marginals = Marginals([0.0, 0.0, *person, 0.0, 0.0, 0.0],
                          [0.9, 0.9, *place, 0.0, 0.0, 0.0],
                          [0.0, 0.0, *organisation, 0.0, 0.0, 0.0])
    assert place_or_organisation(marginals, 2, 4) == expected
    ctx = Context.of(text, [("厦门", "LOC"), ("松芝", "PER"), ("总经理", "n")], [0, 2, 4],
                     lambda: marginals)
    assert more_place_or_organisation(Span(2, 4, 0.85, "lac"), ctx) is (expected is not None)
    assert not more_place_or_organisation(Span(2, 4, 0.85, "lac+cue"), ctx)
    assert not more_place_or_organisation(Span(2, 4, 0.85, "lac"),
                                          Context.of(text, [], []))


def test_a_lac_word_a_rule_also_found_is_credited_to_both() -> None:
    tokens = [("联系人", "n"), ("：", "w"), ("王小明", "PER"), ("，", "w")]
    text = "".join(w for w, _ in tokens)
    nothing = [0.0] * len(text)
    spans = zh_rules.person_spans(tokens, text, ("form", "unsure", "place_org"),
                                  lambda: Marginals(nothing, nothing, [1.0] * len(text)))
    assert [(text[s.start:s.end], s.rule) for s in spans] == [("王小明", "lac+form")]


@pytest.mark.parametrize(
    ("word", "dropped"),
    [("kitchen", True), ("window", True), ("Maria", False), ("johnwalsh", False),
     ("Qelthorn", False)],
)
def test_an_english_word_tagged_per_is_no_name(word: str, dropped: bool) -> None:
    """Dictionary words go unless they are also names; unknown words stay (LAC's call)."""
    text = f"他说{word}来了"
    ctx = Context.of(text, [("他", "r"), ("说", "v"), (word, "PER"), ("来了", "v")],
                     [0, 1, 2, 2 + len(word)])
    assert english_word(Span(2, 2 + len(word), 0.85, "lac"), ctx) is dropped


@given(spans=st.lists(st.tuples(st.integers(0, 12), st.integers(1, 6)), max_size=6),
       text=st.text(alphabet="张王先生总《》纪念馆路的，", min_size=12, max_size=18))
def test_filters_only_remove(spans: list[tuple[int, int]], text: str) -> None:
    found = [Span(a, min(len(text), a + n), 0.85, "lac") for a, n in spans]
    ctx = Context.of(text, [(c, "n") for c in text], list(range(len(text))))
    kept = names_only(found, ctx, zh_rules.ALL_RULES)
    assert all(sp in found for sp in kept)
