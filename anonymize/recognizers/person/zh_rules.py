"""Person-span rules over LAC tokens. Pure functions: tokens in, ``Span`` s out.

Each rule is general (surname knowledge, name cues, punctuation shapes), never tied to a
corpus. ``bench/person_eval.py`` measures each one's effect on recall and precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from anonymize.recognizers.person.lac_model import Token
from anonymize.recognizers.person.spans import Span, merge
from anonymize.recognizers.person.surnames import surname_length
from anonymize.recognizers.person.zh_filters import FILTERS, Confidence, Context, names_only
from anonymize.recognizers.person.zh_words import (
    ADDRESS_TITLES,
    FORM_LABELS,
    GIVEN_CHARS,
    GREETINGS,
    LONGEST_PART,
    MINORITY_PARTS,
    NAME_DOTS,
    NAME_STOP_WORDS,
    NAME_STOPS,
    NOUN_FINALS,
)

LAC_SCORE = 0.85
RULE_SCORE = 0.6


_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_LATIN_PAREN = re.compile(r"\s*[（(]\s*[A-Za-z][A-Za-z .'\-]*[)）]")
# A Latin-script name and up to two capitalised words around it, one space apart.
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’\-]*")
_LATIN_AFTER = re.compile(r"(?:[ ][A-Z][a-z'’\-]+){1,2}(?![A-Za-z0-9])")
_LATIN_BEFORE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][a-z'’\-]+[ ]){1,2}$")
_NAME_JOINERS = frozenset("·•‧・-－")
# Words right after which a name often follows (titles, roles, relations, bylines).
_PRE_CUES_TEXT = (
    "记者 通讯员 实习生 编辑 主编 作者 摄影 总经理 副总经理 经理 副总 总裁 副总裁 董事长 董事 "
    "主任 副主任 局长 处长 科长 校长 院长 所长 部长 厅长 市长 县长 书记 主席 教授 老师 医生 律师 "
    "法官 警官 民警 嘉宾 主持人 选手 球员 教练 导演 演员 歌手 作家 画家 老伴 妻子 丈夫 儿子 女儿 "
    "父亲 母亲 学生 同学 患者 村民 市民 网友 工程师 会计师 创始人 负责人 发言人 CEO"
)
PRE_CUES = frozenset(_PRE_CUES_TEXT.split())
# Words right before which a name often stands (honorifics, speech verbs).
_POST_CUES_TEXT = (
    "先生 女士 小姐 老师 同学 教授 经理 医生 律师 记者 说 表示 称 认为 指出 介绍 透露 告诉 坦言 "
    "强调 回忆 说道 笑称 解释 主任 博士"
)
POST_CUES = frozenset(_POST_CUES_TEXT.split())
# Titles strong enough that the next word is a name whatever LAC tagged it (v, d, a ...).
_STRONG_PRE_CUES_TEXT = "记者 通讯员 实习生 编辑 主编 摄影 总经理 副总经理 副总 董事长 总裁 副总裁"
STRONG_PRE_CUES = frozenset(_STRONG_PRE_CUES_TEXT.split())
# Closed-class tags: particles, prepositions, conjunctions, punctuation, numbers.
_CLOSED_TAGS = frozenset({"c", "p", "u", "r", "w", "xc", "m", "q", "f", "TIME"})
_FUNCTION_TAGS = frozenset({"c", "p", "u", "d", "r", "w", "xc", "m", "q", "f", "v", "TIME"})
_SPEAKER_COLON = frozenset("：:")
_NAME_TAGS = frozenset({"PER", "LOC", "nr", "nz"})
_CANDIDATE_TAGS = frozenset({"n", "nz", "nr"})
_LOOSE_CANDIDATE_TAGS = frozenset({"n", "nz", "nr", "nw", "v", "a", "d", "vn", "an", "ad"})
_HONORIFIC_PREFIX = frozenset("老小阿")
_HONORIFIC_SUFFIX = ("总", "老师", "先生", "女士", "小姐", "某", "局", "主任", "经理", "教授")


def offsets(tokens: Sequence[Token]) -> list[int]:
    """Start offset of every token (LAC words concatenate back to the text)."""
    out, pos = [], 0
    for word, _ in tokens:
        out.append(pos)
        pos += len(word)
    return out


def _is_name_like(word: str) -> bool:
    """A 2-4 character Chinese word starting with a common surname, given name 1-2 chars."""
    if not _CJK.match(word) or not 2 <= len(word) <= 4:
        return False
    s = surname_length(word)
    return s > 0 and 1 <= len(word) - s <= 2 and word[-1] not in NOUN_FINALS


def lac_person(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """LAC's own PER tokens, minus single characters (almost never a whole name)."""
    return [
        Span(s, s + len(w), LAC_SCORE, "lac")
        for (w, t), s in zip(tokens, starts, strict=True)
        if t == "PER" and len(w) >= 2
    ]


def _joinable(left: Token, joiner: str, right: Token) -> bool:
    """Whether ``left joiner right`` continues one name: a middle dot between Chinese
    words always does (阿不都·热合曼, whatever LAC tagged the parts), a hyphen only
    between name-like tags."""
    if joiner in NAME_DOTS:
        return bool(_CJK.match(right[0]) or right[1] == "PER")
    return right[1] in {"PER", "nz", "n"} and "PER" in {left[1], right[1]}


def join_transliterated(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """PER · word (or PER-PER): one foreign or minority name written with a separator."""
    out = []
    i = 0
    while i < len(tokens):
        if tokens[i][1] != "PER":
            i += 1
            continue
        j = i
        while (
            j + 2 < len(tokens)
            and tokens[j + 1][0] in _NAME_JOINERS
            and _joinable(tokens[j], tokens[j + 1][0], tokens[j + 2])
        ):
            j += 2
        if j > i:
            end = starts[j] + len(tokens[j][0])
            out.append(Span(starts[i], end, LAC_SCORE, "join"))
        i = j + 1
    return out


def dotted_names(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """ "阿依古丽/nz · 买买提/v": two Chinese words joined by a middle dot, one of them a
    known part of a Uyghur, Kazakh or Tibetan name, when LAC tagged neither PER."""
    out = []
    for i in range(len(tokens) - 2):
        left, dot, right = tokens[i], tokens[i + 1][0], tokens[i + 2]
        if dot not in NAME_DOTS or not (_CJK.match(left[0]) and _CJK.match(right[0])):
            continue
        if left[0] in MINORITY_PARTS or right[0] in MINORITY_PARTS:
            out.append(Span(starts[i], starts[i + 2] + len(right[0]), RULE_SCORE, "dotted"))
    return out


def minority_parts(text: str, spans: Sequence[Span]) -> list[Span]:
    """A dotted name LAC cut inside its first or last part ("买/v 买提·艾力/PER"): the
    span grows to the whole known part."""
    out = []
    for sp in spans:
        inner = text[sp.start:sp.end]
        dots = [i for i, c in enumerate(inner) if c in NAME_DOTS]
        if not dots:
            continue
        start, end = sp.start, sp.end
        first_end, last_start = sp.start + dots[0], sp.start + dots[-1] + 1
        for k in range(1, LONGEST_PART):
            if text[max(0, sp.start - k):first_end] in MINORITY_PARTS and sp.start >= k:
                start = sp.start - k
        for k in range(1, LONGEST_PART):
            if text[last_start:sp.end + k] in MINORITY_PARTS and sp.end + k <= len(text):
                end = sp.end + k
        if (start, end) != (sp.start, sp.end):
            out.append(Span(start, end, sp.score, "minority"))
    return out


_KANA = re.compile(r"[\u3040-\u30ff]+")


def kana_names(text: str, spans: Sequence[Span]) -> list[Span]:
    """A Japanese name LAC cut inside its kana ("斋贺み/PER つ き"): a span ending in kana
    grows over the kana that follow it."""
    out = []
    for sp in spans:
        if sp.end > sp.start and _KANA.fullmatch(text, sp.end - 1, sp.end):
            m = _KANA.match(text, sp.end)
            if m:
                out.append(Span(sp.start, m.end(), sp.score, "kana"))
    return out


def _given_like(token: Token) -> bool:
    """A token that can be the given name after a bare surname: 1-2 Chinese characters,
    not a particle, preposition or conjunction, not a title or a common noun."""
    word, tag = token
    return (bool(_CJK.match(word)) and 1 <= len(word) <= 2 and tag not in _CLOSED_TAGS
            and word not in ADDRESS_TITLES and word[-1] not in NOUN_FINALS)


def complete_surname(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """A PER token holding only a given name, or only a surname.

    "欧阳/? 娜娜/PER" and "王/? 小明/PER" become one span when the preceding token is a
    surname on its own and the PER token is a plausible given name (1-2 characters);
    "司马/PER 相宜/v" and "褚/PER 卫国/LOC" when the PER token is a bare surname and the
    next one can be a given name (after a single-character surname, only a word LAC
    reads as a name: 金/PER 大侠/n is a nickname).
    """
    out = []
    for i in range(len(tokens)):
        word, tag = tokens[i]
        if tag != "PER":
            continue
        if surname_length(word) == len(word) and i + 1 < len(tokens) \
                and _given_like(tokens[i + 1]) \
                and (len(word) == 2 or tokens[i + 1][1] in _NAME_TAGS):
            out.append(Span(starts[i], starts[i + 1] + len(tokens[i + 1][0]), LAC_SCORE,
                            "surname"))
            continue
        if i == 0 or surname_length(word) == 2 or not 1 <= len(word) <= 2:
            continue
        prev = tokens[i - 1][0]
        if surname_length(prev) == len(prev) and tokens[i - 1][1] not in _FUNCTION_TAGS | {"PER"}:
            out.append(Span(starts[i - 1], starts[i] + len(word), LAC_SCORE, "surname"))
    return out


def complete_given_name(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """ "张裕/PER 能/v ：" -> 张裕能: a 2-char PER (surname + 1) cut before its last character.

    Only taken when the stray character is followed by a speaker colon or an honorific,
    where a name must end.
    """
    out = []
    for i in range(len(tokens) - 2):
        word, tag = tokens[i]
        nxt, nxt_tag = tokens[i + 1]
        after = tokens[i + 2][0]
        if tag != "PER" or len(word) != 2 or surname_length(word) != 1:
            continue
        if len(nxt) != 1 or nxt_tag in {"w", "PER", "u", "p", "xc"} or not _CJK.match(nxt):
            continue
        if after[:1] in _SPEAKER_COLON or after in POST_CUES - {"说", "称"}:
            out.append(Span(starts[i], starts[i + 1] + 1, RULE_SCORE, "given"))
    return out


def stray_given_char(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """ "陈思/PER 远于/v 昨日": a 2-char PER (surname + 1) whose third character LAC glued
    to the particle after it; taken back when it is a common given-name character."""
    out = []
    for i in range(len(tokens) - 1):
        word, tag = tokens[i]
        nxt, nxt_tag = tokens[i + 1]
        if tag != "PER" or len(word) != 2 or surname_length(word) != 1:
            continue
        if len(nxt) == 2 and nxt_tag not in {"w", "PER"} and nxt[0] in GIVEN_CHARS \
                and nxt[1] in NAME_STOPS:
            out.append(Span(starts[i], starts[i + 1] + 1, RULE_SCORE, "stray"))
    return out


def cue_names(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """Surname-initial words LAC did not tag PER, next to a title/role/speech cue."""
    out = []
    for i, (word, tag) in enumerate(tokens):
        if tag not in _LOOSE_CANDIDATE_TAGS or not _is_name_like(word):
            continue
        prev = tokens[i - 1][0] if i > 0 else ""
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        strong = prev in STRONG_PRE_CUES
        if strong or (tag in _CANDIDATE_TAGS and (prev in PRE_CUES or nxt in POST_CUES)):
            out.append(Span(starts[i], starts[i] + len(word), RULE_SCORE, "cue"))
    return out


def speaker_names(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """ "姜山：..." at the start of a text or clause: a surname-initial speaker label."""
    out = []
    for i in range(len(tokens) - 1):
        word, tag = tokens[i]
        if tag in {"PER", "ORG", "w", "m", "TIME"} or not _is_name_like(word):
            continue
        at_start = i == 0 or tokens[i - 1][1] == "w"
        if at_start and tokens[i + 1][0][:1] in _SPEAKER_COLON:
            out.append(Span(starts[i], starts[i] + len(word), RULE_SCORE, "speaker"))
    return out


def romanized_aside(
    tokens: Sequence[Token], starts: Sequence[int], text: str, spans: Sequence[Span]
) -> list[Span]:
    """A person span followed by its romanisation in brackets: "梅内兹（menez）"."""
    out = []
    for sp in spans:
        m = _LATIN_PAREN.match(text, sp.end)
        if m:
            out.append(Span(sp.start, m.end(), sp.score, "roman"))
    return out


def latin_names(text: str, spans: Sequence[Span]) -> list[Span]:
    """A Latin-script person span with the capitalised words next to it: LAC tags "John"
    in "拍摄者 John Smith。QZX7731" but reads "Smith。QZX7731" as one word."""
    out = []
    for sp in spans:
        if not _LATIN_NAME.fullmatch(text, sp.start, sp.end):
            continue
        after = _LATIN_AFTER.match(text, sp.end)
        before = _LATIN_BEFORE.search(text, max(0, sp.start - 40), sp.start)
        if after or before:
            out.append(Span(before.start() if before else sp.start,
                            after.end() if after else sp.end, sp.score, "latin"))
    return out


def honorific_names(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """老王 / 小李 / 王总 / 张老师 / 李某: surname plus honorific, when LAC missed it."""
    out = []
    for i, (word, tag) in enumerate(tokens):
        if tag == "PER" or not _CJK.match(word):
            continue
        if len(word) == 2 and word[0] in _HONORIFIC_PREFIX and surname_length(word[1:]) == 1:
            out.append(Span(starts[i], starts[i] + 2, RULE_SCORE, "honorific"))
            continue
        s = surname_length(word)
        if s and len(word) > s and word[s:] in _HONORIFIC_SUFFIX:
            out.append(Span(starts[i], starts[i] + len(word), RULE_SCORE, "honorific"))
    return out


_FORM_LABEL = re.compile("(?:" + "|".join(FORM_LABELS) + r")[：:\s]*")


def _ends_name(text: str, i: int) -> bool:
    """Whether a name may end before ``text[i]``: at a non-Chinese character, a particle
    or preposition, or a form of address."""
    return (i >= len(text) or not _CJK.match(text[i]) or text[i] in NAME_STOPS
            or text.startswith(NAME_STOP_WORDS, i))


def _minority_lengths(text: str, pos: int) -> list[int]:
    """Lengths of the runs of known minority name parts at ``pos`` (扎西次仁, 买买提·艾力)."""
    out, i = [], pos
    for _ in range(4):
        part = next((n for n in range(LONGEST_PART, 0, -1)
                     if text[i:i + n] in MINORITY_PARTS), 0)
        if not part:
            break
        i += part
        out.append(i - pos)
        if text[i:i + 1] in NAME_DOTS:
            i += 1
    return out


def _name_length_at(text: str, pos: int) -> int:
    """The length of the name that starts at ``pos`` and ends where a name may end: a
    surname and a one- or two-character given name (the longer first), or a run of
    minority name parts; 0 when there is none."""
    s = surname_length(text[pos:])
    lengths = [s + 2, s + 1] if s else []
    lengths += sorted(_minority_lengths(text, pos), reverse=True)
    for n in lengths:
        word = text[pos:pos + n]
        if len(word) < n or word[-1] in NAME_DOTS \
                or not all(c in NAME_DOTS or _CJK.match(c) for c in word):
            continue
        if word in ADDRESS_TITLES or word[-1] in NOUN_FINALS or not _ends_name(text, pos + n):
            continue
        return n
    return 0


def _greeted_names(text: str) -> list[Span]:
    """ "【快递】东方白您好": a name between a non-Chinese character (or the start) and a
    greeting."""
    out = []
    for greeting in GREETINGS:
        end = text.find(greeting)
        while end > 0:
            for n in (4, 3, 2):
                start = end - n
                if start < 0 or (start > 0 and _CJK.match(text[start - 1])):
                    continue
                if _name_length_at(text, start) == n:
                    out.append(Span(start, end, RULE_SCORE, "form"))
                    break
            end = text.find(greeting, end + 1)
    return out


def form_names(text: str) -> list[Span]:
    """The value after a form or message label: "联系人：王小明，电话…", "收件人 东方白",
    "持卡人马超的银行卡", "致扎西次仁：", or before a greeting: "农建新您好". Read from the
    text, not LAC's words: LAC often cuts the label and the name across each other
    (持卡/人马/超)."""
    out = []
    for m in _FORM_LABEL.finditer(text):
        n = _name_length_at(text, m.end())
        if n:
            out.append(Span(m.end(), m.end() + n, RULE_SCORE, "form"))
    return out + _greeted_names(text)


def repeated_names(tokens: Sequence[Token], starts: Sequence[int]) -> list[Span]:
    """Other mentions, in the same text, of a word LAC tagged PER somewhere."""
    names = {w for w, t in tokens if t == "PER" and len(w) >= 2}
    return [
        Span(s, s + len(w), RULE_SCORE, "repeat")
        for (w, t), s in zip(tokens, starts, strict=True)
        if t != "PER" and w in names
    ]


TokenRule = Callable[[Sequence[Token], Sequence[int]], list[Span]]

TOKEN_RULES: dict[str, TokenRule] = {
    "join": join_transliterated,
    "dotted": dotted_names,
    "surname": complete_surname,
    "given": complete_given_name,
    "stray": stray_given_char,
    "cue": cue_names,
    "speaker": speaker_names,
    "repeat": repeated_names,
    "honorific": honorific_names,
}
"""Rules over tokens, by name; ``roman``, ``latin``, ``form`` (over the text),
``minority`` and ``kana`` (over spans) run after them."""

ALL_RULES: tuple[str, ...] = (*TOKEN_RULES, "roman", "latin", "form", "minority", "kana",
                               *FILTERS)


def _credit_rules(kept: Sequence[Span], found: Sequence[Span]) -> list[Span]:
    """A LAC word that a rule also found (a form label, a cue) keeps LAC's score and is
    credited to both ("lac+form"): the rule's evidence stands beside LAC's."""
    by_rule = {(sp.start, sp.end): sp.rule for sp in found if sp.rule != "lac"}
    return [Span(sp.start, sp.end, sp.score, f"lac+{by_rule[sp.start, sp.end]}")
            if sp.rule == "lac" and (sp.start, sp.end) in by_rule else sp for sp in kept]


def person_spans(tokens: Sequence[Token], text: str, rules: Sequence[str],
                 confidence: Confidence | None = None) -> list[Span]:
    """All person spans for ``text`` given its LAC ``tokens`` and the enabled ``rules``;
    ``confidence`` gives LAC's per-character marginals when a filter asks."""
    starts = offsets(tokens)
    spans = lac_person(tokens, starts)
    for name in rules:
        rule = TOKEN_RULES.get(name)
        if rule is not None:
            spans.extend(rule(tokens, starts))
    if "roman" in rules:
        spans.extend(romanized_aside(tokens, starts, text, spans))
    if "latin" in rules:
        spans.extend(latin_names(text, spans))
    if "form" in rules:
        spans.extend(form_names(text))
    if "minority" in rules:
        spans.extend(minority_parts(text, spans))
    if "kana" in rules:
        spans.extend(kana_names(text, spans))
    return names_only(_credit_rules(merge(spans), spans),
                      Context.of(text, tokens, starts, confidence), rules)
