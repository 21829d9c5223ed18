"""English person rules that read the shape of a text rather than a cue word.

Speaker labels ("Orsolya: Where were you?"), a line that is only a name (the first line of a
signature or a business card), a name with its country or its minute in brackets (news
and sports results), capitalised words no dictionary knows, and the other mentions of a
name already found.
"""

from __future__ import annotations

from collections.abc import Sequence

from anonymize.recognizers.person.en_tokens import PARTICLES, Tokens
from anonymize.recognizers.person.en_words import name_run
from anonymize.recognizers.person.spans import Span

RULE_SCORE = 0.6
WEAK_SCORE = 0.5
_SENTENCE_END = frozenset({".", "!", "?", '"', "\u201d", ">", ";"})
_OPEN = frozenset({"(", "[", ","})
_CLOSE = frozenset({")", "]", ",", ";"})
_PLACE_PREPOSITIONS_TEXT = "in at for from of to into near became based via outside inside across"
_PLACE_PREPOSITIONS = frozenset(_PLACE_PREPOSITIONS_TEXT.split())


def _starts_line(t: Tokens, i: int) -> bool:
    """Token ``i`` begins the text, a line, or a sentence."""
    k = i - 1
    while k >= 0 and t.space[k] and "\n" not in t.words[k]:
        k -= 1
    return k < 0 or "\n" in t.words[k] or t.words[k] in _SENTENCE_END


def _looks_like_name(t: Tokens, i: int, j: int) -> bool:
    """Free name words [i, j), at least one of them a given name, initial or unknown word
    (so "Answer", "Date" and "Customer Service" are not names)."""
    words = range(i, j)
    return (j > i and all(t.free[x] for x in words)
            and any(t.namelike[x] for x in words if t.words[x] not in PARTICLES))


def _name_words(t: Tokens, i: int, j: int) -> list[int]:
    """The capitalised words of the name run [i, j): not its lower-case particles ("ten
    Brink"), hyphens, or lower-case parts after a hyphen ("Lahti-oja")."""
    return [x for x in range(i, j) if t.cap[x]]


def speaker_names(t: Tokens) -> list[Span]:
    """A name with a colon straight after it, at the start of a line or sentence."""
    out = []
    for i in range(1, t.n - 1):
        if t.words[i] != ":" or t.spaced[i - 1]:
            continue
        k = i
        while k > 0 and i - k < 3 and t.cap[k - 1] and (k == i or t.spaced[k - 1]):
            k -= 1
        if k < i and _starts_line(t, k) and _looks_like_name(t, k, i):
            out.append(t.span(k, i, RULE_SCORE, "speaker"))
    return out


def line_names(t: Tokens) -> list[Span]:
    """A line (or the whole text) that is two to four name words and nothing else, each
    a given name, initial, particle or unknown word: a signature, a card's first line."""
    out = []
    start = 0
    for end in [*(k for k in range(t.n) if "\n" in t.words[k]), t.n]:
        k = start
        while k < end and (t.space[k] or not t.words[k].isalnum()):
            k += 1  # leading ">" and bullets of quoted mail and lists
        j = name_run(t, k)
        last = j
        while last < end and (t.space[last] or t.words[last] in {".", ","}):
            last += 1
        named = _name_words(t, k, j)
        if (last == end and len(named) >= 2 and all(t.namelike[x] for x in named)
                and all(t.free[x] for x in range(k, j))):
            out.append(t.span(k, j, RULE_SCORE, "line"))
        start = end + 1
    return out


def bracket_names(t: Tokens) -> list[Span]:
    """ "Tjaarda Vink ( Ghana )": a name, then a place in brackets; "( Vandermolen 71 )",
    ", Okoro 12 ,": a name in brackets or a list, then a minute or a score."""
    out = []
    for i in range(t.n):
        if not t.cap[i] or (i > 0 and not t.spaced[i - 1]):
            continue
        j = name_run(t, i)
        if j == i or not _looks_like_name(t, i, j):
            continue
        after = _skip_spaces(t, j)
        place = (after + 2 < t.n and t.words[after] == "("
                 and t.cap[after + 1] and ")" in t.words[after + 2: after + 5])
        minute = (i > 0 and t.words[i - 1] in _OPEN and after + 1 < t.n
                  and t.numeric[after] and t.words[after + 1] in _CLOSE)
        if place or (minute and _in_open_bracket(t, i)):
            out.append(t.span(i, j, WEAK_SCORE, "bracket"))
    return out


def _skip_spaces(t: Tokens, k: int) -> int:
    while k < t.n and t.space[k]:
        k += 1
    return k


def _in_open_bracket(t: Tokens, i: int) -> bool:
    """An "(" before ``i`` that no ")" closes yet."""
    depth = 0
    for k in range(i - 1, -1, -1):
        if t.words[k] == ")":
            depth -= 1
        elif t.words[k] == "(":
            depth += 1
            if depth > 0:
                return True
    return False


def unknown_names(t: Tokens) -> list[Span]:
    """Runs of capitalised words that are all given names, initials, particles or words
    no dictionary knows, outside spaCy's other entities: "Ingeborg Szabadi", "Quarmbyx".

    Not where such words are most often places, companies or teams: one word after a
    preposition ("I work for Socratix", "in Vlorsk"), one word alone on its line (a card's
    company line), next to a number (a house number, "Vlorsk 20 9 8 3", "Vlorsk 2
    Quendtby 1"), or the tail of a longer capitalised run ("Sporting Vlorsk").
    """
    out = []
    i = 0
    while i < t.n:
        if not t.cap[i]:
            i += 1
            continue
        j = name_run(t, i) if _run_starts(t, i) else i
        named = _name_words(t, i, j)
        if (j > i and all(t.namelike[x] for x in named)
                and all(t.free[x] for x in range(i, j))
                and any(t.unknown[x] for x in named) and not _place_like(t, i, j, named)):
            out.append(t.span(i, j, WEAK_SCORE, "unknown"))
        i = max(j, i + 1)
    return out


def _run_starts(t: Tokens, i: int) -> bool:
    """Token ``i`` could start a run of name words: not glued to a word before it, and
    not after a free capitalised word (then it is the tail of a longer run)."""
    if i == 0:
        return True
    if not t.spaced[i - 1]:
        return not t.words[i - 1].isalnum()
    return not (t.cap[i - 1] and t.free[i - 1])


def _place_like(t: Tokens, i: int, j: int, named: list[int]) -> bool:
    """The run [i, j) stands where places, companies and teams do (see unknown_names)."""
    before = _previous_word(t, i)
    after = _skip_spaces(t, j)
    if before is not None and t.numeric[before]:
        return True
    if after < t.n and t.numeric[after]:
        following = _skip_spaces(t, after + 1)
        if following < t.n and (t.numeric[following] or t.cap[following]):
            return True  # a row of figures or a score line
    if len(named) > 1 or any(t.given[x] for x in named):
        return False
    if before is not None and t.lower[before] in _PLACE_PREPOSITIONS:
        return True
    if before is not None and t.words[before] == "(" and t.words[after: after + 1] == [")"]:
        return True  # "Ann Lee ( Vlorsk )": a club or a country in brackets
    return _alone_on_line(t, i, j)


def _previous_word(t: Tokens, i: int) -> int | None:
    k = i - 1
    while k >= 0 and t.space[k] and "\n" not in t.words[k]:
        k -= 1
    return k if k >= 0 and not t.space[k] else None


def _alone_on_line(t: Tokens, i: int, j: int) -> bool:
    """Nothing but separators ("\n", ">", "???") around [i, j) on its line."""
    k = i - 1
    while k >= 0 and "\n" not in t.words[k] and not t.words[k].isalnum():
        k -= 1
    if k >= 0 and "\n" not in t.words[k]:
        return False
    k = j
    while k < t.n and "\n" not in t.words[k] and not t.words[k].isalnum():
        k += 1
    return k >= t.n or "\n" in t.words[k]


def repeated_names(t: Tokens, found: Sequence[Span]) -> list[Span]:
    """Other mentions of a name found: the same words, or one of its parts alone
    ("directed by Ilse Oudeman, who stars as well: Oudeman plays ...")."""
    parts: set[str] = set()
    by_start = {t.starts[i]: i for i in range(t.n)}
    for s in found:
        i = by_start.get(s.start)
        if i is None:
            continue
        j = i
        while j < t.n and t.starts[j] < s.end:
            j += 1
        words = [x for x in range(i, j) if t.cap[x] and not t.initial[x]
                 and len(t.words[x]) > 1 and not t.stop[x]]
        parts.update(t.words[x] for x in words if j - i > 1 or t.namelike[x])
    covered = [(s.start, s.end) for s in found]
    out = []
    for i in range(t.n):
        if t.words[i] not in parts or not t.free[i]:
            continue
        if any(a <= t.starts[i] < b for a, b in covered):
            continue
        out.append(t.span(i, max(i + 1, name_run(t, i)), RULE_SCORE, "repeat"))
    return out
