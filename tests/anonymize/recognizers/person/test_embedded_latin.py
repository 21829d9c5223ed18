"""Latin words inside Chinese text: a lone word is a name only when the name lists know it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from anonymize.recognizers.person.embedded_latin import plausible_embedded_name

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                min_size=1, max_size=12)


def test_listed_given_names_and_surnames_are_plausible() -> None:
    assert all(plausible_embedded_name(w) for w in ("Maria", "filip", "Cai", "O'Brien"))


def test_words_that_name_nobody_are_not() -> None:
    assert not any(plausible_embedded_name(w) for w in ("Xqzvor", "SoZ", "three"))


@given(st.lists(_WORD, min_size=2, max_size=4))
def test_a_run_of_words_keeps_the_english_decision(words: list[str]) -> None:
    assert plausible_embedded_name(" ".join(words))


@given(_WORD)
def test_case_does_not_decide(word: str) -> None:
    assert plausible_embedded_name(word.upper()) == plausible_embedded_name(word.lower())
