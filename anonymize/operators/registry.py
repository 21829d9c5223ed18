"""The Airlock operators, a Presidio ``AnonymizerEngine`` with them, and the default policy.

Usage::

    engine = anonymizer_engine()
    policy = default_policy(key)          # key: ≥ 32 secret bytes
    text = anonymize_text(engine, text, analyzer_results, policy)
    # same as engine.anonymize(text, analyzer_results, operators=policy).text

Per-entity choices are ordinary Presidio ``OperatorConfig``s naming our operators, e.g.
``{"PERSON": OperatorConfig("pseudonym", {"key": OperatorKey(key)})}``; the engine adds
the ``entity_type`` param itself.

Registration uses ``AnonymizerEngine.add_anonymizer`` (the supported way in Presidio
2.2.366; ``OperatorConfig("custom", {"lambda": ...})`` would lose ``validate`` and the
entity type). Our ``mask``, ``redact`` and ``hash`` replace Presidio's operators of those
names, so an unkeyed hash or a deleting redact cannot be picked by mistake; Presidio's
``encrypt`` (AES-CBC without a MAC) is removed.
"""

from __future__ import annotations

from collections.abc import Mapping

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
from presidio_anonymizer.operators import Encrypt, Operator

from .generalize import Generalize
from .keyed_hash import KeyedHash
from .keys import OperatorKey
from .mask import Mask
from .pseudonym import Pseudonym
from .redact import Redact
from .surname import Surname

OPERATORS: tuple[type[Operator], ...] = (
    Surname,
    Pseudonym,
    Mask,
    Redact,
    KeyedHash,
    Generalize,
)

_REMOVED: tuple[type[Operator], ...] = (Encrypt,)

_MASKED = (
    "CN_ID", "BANK_CARD", "CREDIT_CARD", "CN_PHONE", "PHONE_NUMBER", "EMAIL",
    "EMAIL_ADDRESS", "CN_PLATE", "CN_PASSPORT", "CN_TRAVEL_PERMIT", "HK_ID", "MO_ID", "CN_USCC",
    "VIN", "WECHAT_ID", "QQ_NUMBER", "MEDICAL_RECORD_NUMBER", "STUDENT_ID",
)
_GENERALIZED = ("CN_ADDRESS", "LOCATION", "DATE_TIME")


def anonymizer_engine(operators: tuple[type[Operator], ...] = OPERATORS) -> AnonymizerEngine:
    """A Presidio engine with ``operators`` added and the unsafe ``encrypt`` removed."""
    engine = AnonymizerEngine()  # type: ignore[no-untyped-call]
    for removed in _REMOVED:
        engine.remove_anonymizer(removed)
    for operator in operators:
        engine.add_anonymizer(operator)
    return engine


def default_policy(key: bytes | OperatorKey) -> dict[str, OperatorConfig]:
    """The contract's default: names → surname (张某 / "S."), identifiers → mask,
    places and dates → generalize, every other type → ``[TYPE]``.

    The mapping the brief fixes uses no keyed operator, so ``key`` is only checked here
    (≥ 32 bytes, failing at configuration rather than first use); callers switching a type
    to ``pseudonym``/``hash`` use ``keyed(key)`` for the params, which never print it.
    """
    keyed(key)
    policy = {"PERSON": OperatorConfig("surname"), "DEFAULT": OperatorConfig("redact")}
    policy.update({t: OperatorConfig("mask") for t in _MASKED})
    policy.update({t: OperatorConfig("generalize") for t in _GENERALIZED})
    return policy


def keyed(key: bytes | OperatorKey) -> dict[str, OperatorKey]:
    """Params for ``pseudonym``/``hash``: ``{"key": OperatorKey(key)}``."""
    return {"key": key if isinstance(key, OperatorKey) else OperatorKey(key)}


def anonymize_text(
    engine: AnonymizerEngine,
    text: str,
    results: list[RecognizerResult],
    policy: Mapping[str, OperatorConfig],
) -> str:
    """``engine.anonymize(text, results, operators=policy).text``."""
    return engine.anonymize(text, results, operators=dict(policy)).text
