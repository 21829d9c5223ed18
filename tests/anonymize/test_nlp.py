"""The spaCy pipelines and Presidio NLP engine: entities only for English, nothing
downloaded, artifacts as Presidio's own."""

from __future__ import annotations

from typing import Any

import pytest
import spacy

from anonymize import nlp
from anonymize.nlp import ENGLISH_MODEL, OfflineSpacyNlpEngine

SENTENCES = [
    "Dr. Emily Watson flew from Paris to Lagos on 5 May 2020 with Acme Corp.",
    "Name: Åsa Lindqvist\nPhone: 083 564 9312",
    "The court in Manchester heard that John Smith, 42, paid $300.",
]


@pytest.fixture(scope="module")
def pipelines() -> dict[str, Any]:
    return nlp.load_pipelines()


def test_english_runs_the_entity_recognizer_alone(pipelines: dict[str, Any]) -> None:
    assert pipelines["en"].pipe_names == ["ner"]


def test_the_entities_are_those_of_the_whole_model(pipelines: dict[str, Any]) -> None:
    """The recognizer embeds tokens itself; dropping the other pipes and BLIS changes
    nothing it finds."""
    whole = spacy.load(ENGLISH_MODEL)
    for text in SENTENCES:
        ours = [(e.start_char, e.end_char, e.label_) for e in pipelines["en"](text).ents]
        assert ours == [(e.start_char, e.end_char, e.label_) for e in whole(text).ents]


def test_matrix_products_go_through_numpy(pipelines: dict[str, Any]) -> None:
    ops = {type(node.ops).__name__ + str(getattr(node.ops, "use_blis", None))
           for node in pipelines["en"].get_pipe("ner").model.walk()}
    assert ops == {"NumpyOpsFalse"}


@pytest.mark.parametrize(("language", "text", "lemmas"), [
    ("en", "Cards of Émile", ["cards", "of", "émile"]),
    ("zh", "张三的卡", []),
])
def test_artifacts(pipelines: dict[str, Any], language: str, text: str,
                   lemmas: list[str]) -> None:
    artifacts = OfflineSpacyNlpEngine(pipelines).process_text(text, language)
    assert artifacts.lemmas == lemmas
    assert artifacts.tokens_indices == [t.idx for t in artifacts.tokens]


@pytest.mark.parametrize("as_tuples", [False, True])
def test_chinese_makes_no_spacy_document(pipelines: dict[str, Any], as_tuples: bool) -> None:
    texts = ["张三住在北京 abc", "x", ""]
    batch: list[Any] = [(t, i) for i, t in enumerate(texts)] if as_tuples else texts
    out: list[Any] = list(OfflineSpacyNlpEngine(pipelines).process_batch(
        batch, "zh", as_tuples=as_tuples))
    assert [item[0] for item in out] == texts
    assert all(len(item[1].tokens) == 0 and item[1].entities == [] for item in out)
    if as_tuples:
        assert [item[2] for item in out] == [0, 1, 2]


@pytest.mark.parametrize("word", ["the", "The", "cards", ",", "...", "-", "émile", "", "'s"])
def test_stop_words_and_punctuation_as_spacy_says(pipelines: dict[str, Any], word: str) -> None:
    engine = OfflineSpacyNlpEngine(pipelines)
    lexeme = pipelines["en"].vocab[word]
    assert engine.is_stopword(word, "en") == lexeme.is_stop
    assert engine.is_punct(word, "en") == lexeme.is_punct


def test_the_model_directory_holds_the_lemmatizer_tables() -> None:
    assert (nlp.english_model_dir() / "lemmatizer" / "lookups" / "lookups.bin").is_file()
