"""Filters that drop person spans which are not a person's name. Pure functions.

Each filter answers, for one span, "this is not a name" from general evidence: a bare
surname with a form of address, a span inside a work's title marks (or a title the text
cut), a word that heads an organisation or place name, a club in a match report, an English
word LAC took for a name, a word LAC's own CRF was unsure of or held more likely a place's
or an organisation's name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from anonymize.recognizers.person.embedded_latin import plausible_embedded_name
from anonymize.recognizers.person.en_lexicon import english_lexicon
from anonymize.recognizers.person.lac_model import Marginals, Token
from anonymize.recognizers.person.spans import Span
from anonymize.recognizers.person.surnames import surname_length
from anonymize.recognizers.person.zh_words import (
    ADDRESS_TITLES,
    FAMILIAR_PREFIXES,
    FORM_LABELS,
    LONGEST_TITLE,
    MATCH_WORDS,
    NON_NAME_CHARS,
    ORG_CUES,
    ORG_HEADS,
    PLAYER_AFTER,
    PLAYER_BEFORE,
    TRANSLITERATION_CHARS,
)

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


Confidence = Callable[[], Marginals | None]
"""Called at most once, when a filter needs it: for each character of the text, the
probability that LAC tags it as part of a person's, a place's or an organisation's name,
or None when the model cannot tell."""


def _unknown() -> Marginals | None:
    return None


@dataclass(frozen=True)
class Context:
    """A text with its LAC tokens, indexed by where each token starts and ends, and LAC's
    per-character confidence that it is in a name, computed on first use."""

    text: str
    tokens: Sequence[Token]
    by_start: dict[int, int]
    by_end: dict[int, int]
    confidence: Confidence = field(default=_unknown)

    @classmethod
    def of(cls, text: str, tokens: Sequence[Token], starts: Sequence[int],
           confidence: Confidence | None = None) -> Context:
        return cls(text, tokens, {s: i for i, s in enumerate(starts)},
                   {s + len(w): i for i, ((w, _), s) in enumerate(zip(tokens, starts,
                                                                       strict=True))},
                   functools.cache(confidence or _unknown))

    def token_after(self, end: int) -> Token | None:
        i = self.by_start.get(end)
        return self.tokens[i] if i is not None else None

    def token_before(self, start: int) -> Token | None:
        i = self.by_end.get(start)
        return self.tokens[i] if i is not None else None


def bare_surname(sp: Span, ctx: Context) -> bool:
    """张先生, 王总, 李阿姨, 傅主(编), 老王, 小李: a surname and a form of address, no
    given name. The title may run on past the span (LAC cut "傅主|编说")."""
    word = ctx.text[sp.start:sp.end]
    if len(word) == 2 and word[0] in FAMILIAR_PREFIXES and surname_length(word[1]) == 1:
        return True
    s = surname_length(word)
    if not s or len(word) == s:
        return False
    rest = ctx.text[sp.start + s:sp.start + s + LONGEST_TITLE]
    return any(rest[:n] in ADDRESS_TITLES for n in range(len(word) - s, len(rest) + 1))


def function_characters(sp: Span, ctx: Context) -> bool:
    """何也, 王的: a surname followed by a particle or pronoun, not by a given name."""
    word = ctx.text[sp.start:sp.end]
    s = surname_length(word)
    return s > 0 and any(c in NON_NAME_CHARS for c in word[s:])


def role_word(sp: Span, ctx: Context) -> bool:
    """房东, 车主, 师傅: a role or form label LAC tagged as a person."""
    word = ctx.text[sp.start:sp.end]
    return word in ADDRESS_TITLES or word in FORM_LABELS


def in_title_marks(sp: Span, ctx: Context) -> bool:
    """A span inside 《…》 is part of the name of a book, film or game."""
    text = ctx.text
    opened = text.rfind("《", 0, sp.start)
    if opened < 0 or text.rfind("》", 0, sp.start) > opened:
        return False
    closed = text.find("》", sp.end)
    reopened = text.find("《", sp.end)
    return closed >= 0 and (reopened < 0 or closed < reopened)


def in_cut_title(sp: Span, ctx: Context) -> bool:
    """A span in a title the text cut: before a 》 that no 《 opens ("X：公共之敌》、《…",
    the text began inside the title) or after a 《 that no 》 closes (it ends inside)."""
    text = ctx.text
    closed = text.find("》", sp.end)
    if closed >= 0 and "《" not in text[:closed]:
        return True
    opened = text.rfind("《", 0, sp.start)
    return opened >= 0 and "》" not in text[opened:]


def heads_organisation(sp: Span, ctx: Context) -> bool:
    """徐悲鸿|纪念馆, 中山|路, X|国际艺术村: the next word is, or ends with a two-character,
    head noun that makes the span the name of a place or body; or the word before says a
    company or brand follows (开发商|X)."""
    before = ctx.token_before(sp.start)
    if before is not None and before[0] in ORG_CUES:
        return True
    after = ctx.token_after(sp.end)
    if after is None:
        return False
    word = after[0]
    return word in ORG_HEADS or any(word[-n:] in ORG_HEADS for n in (2, 3) if len(word) > n)


_MATCH = re.compile("|".join([*MATCH_WORDS, r"\d[.:]\d\d"]))


def club_in_match_report(sp: Span, ctx: Context) -> bool:
    """In a match report, a transliterated word with no player cue next to it is a club:
    "贝蒂斯在客场与瓦伦打起对攻" names two teams, "队长特里" a player."""
    word = ctx.text[sp.start:sp.end]
    if not all(c in TRANSLITERATION_CHARS for c in word) or not _MATCH.search(ctx.text):
        return False
    return not _player_cue(sp, ctx)


def _player_cue(sp: Span, ctx: Context) -> bool:
    """A word next to the span that makes it a player or coach (队长X, X缺阵)."""
    before, after = ctx.token_before(sp.start), ctx.token_after(sp.end)
    return ((before is not None and before[0] in PLAYER_BEFORE)
            or (after is not None and after[0] in PLAYER_AFTER))


def english_word(sp: Span, ctx: Context) -> bool:
    """A lone Latin word LAC tagged PER that is an English dictionary word and nobody's
    name ("three"): LAC tags Latin words it does not know as persons."""
    word = ctx.text[sp.start:sp.end]
    return (bool(_LATIN_WORD.fullmatch(word)) and not plausible_embedded_name(word)
            and english_lexicon().knows(word))


UNSURE = 0.2
"""Below this probability of being in a person's or a place's name, at one of its
characters, LAC's own PER word is dropped. The most conservative of the thresholds
measured (0.2, 0.3, 0.35, 0.45): from 0.35 on, a name of the held-back part was lost
(bench/person_eval.py), and 0.3 stands next to that edge."""


def unsure_model(sp: Span, ctx: Context) -> bool:
    """A word LAC tagged PER while its own CRF gave one of its characters less than
    ``UNSURE`` probability of being in a person's or a place's name (常青|树, 贝倍多贝倍多):
    the best path went through PER, but most paths read an ordinary word. A word LAC
    hesitated between a person and a place stays: a place may be part of an address,
    which is personal data too. Only LAC's bare word is judged: a span a rule found or
    completed (a cue, a title, a form label) stays."""
    if sp.rule != "lac":
        return False
    confidence = ctx.confidence()
    return confidence is not None and confidence.name(sp.start, sp.end) < UNSURE


def place_or_organisation(marginals: Marginals, start: int, end: int) -> str | None:
    """"LOC" or "ORG" when LAC's CRF, summed over its paths, holds the word at
    ``[start, end)`` more likely part of a place's or an organisation's name than of a
    person's (the mean over its characters), whichever of the two is likelier; None when
    a person is likelier. The place recognizer reports such a word in the filter's
    stead, so what it covers (an address) stays masked."""
    person, place, organisation = marginals.means(start, end)
    if place + organisation <= person:
        return None
    return "LOC" if place >= organisation else "ORG"


def more_place_or_organisation(sp: Span, ctx: Context) -> bool:
    """A word LAC tagged PER although its own CRF, over all its paths, put it rather in a
    place's or an organisation's name (厦门|松芝|总经理: a company). The best path went
    through PER by a little; the place recognizer reports the word as a place or an
    organisation instead (``zh_places``). Only LAC's bare word is judged, as for
    ``unsure``."""
    if sp.rule != "lac":
        return False
    confidence = ctx.confidence()
    return confidence is not None and place_or_organisation(confidence, sp.start,
                                                            sp.end) is not None


SpanFilter = Callable[[Span, Context], bool]

FILTERS: dict[str, SpanFilter] = {
    "bare_surname": bare_surname,
    "role": role_word,
    "function_chars": function_characters,
    "title_marks": in_title_marks,
    "cut_title": in_cut_title,
    "org_head": heads_organisation,
    "club": club_in_match_report,
    "latin_word": english_word,
    "unsure": unsure_model,
    "place_org": more_place_or_organisation,
}
"""Filters by name; a span any enabled filter rejects is dropped."""


def names_only(spans: Sequence[Span], ctx: Context, enabled: Sequence[str]) -> list[Span]:
    checks = [FILTERS[name] for name in enabled if name in FILTERS]
    return [sp for sp in spans if not any(check(sp, ctx) for check in checks)]
