"""Airlock's Presidio anonymizer operators, one class per module.

=============  =====================================================================
``surname``    张三 → 张某, 欧阳娜娜 → 欧阳某, unknown surname → 某某, "John Smith" → "S."
``pseudonym``  keyed, consistent, realistic replacements (``key``)
``mask``       type-aware: 138****5678, 110101********123X, z***@qq.com, 京A·*****
``redact``     ``[PERSON]`` or ``placeholder`` (Presidio's deletes the text)
``hash``       HMAC-SHA256 hex, ``length`` characters (``key``)
``generalize`` addresses → city, dates → year, ages → decade; else redact
=============  =====================================================================

Build the engine with ``anonymizer_engine()`` and pass a policy (``default_policy(key)``)
as ``operators=`` to ``engine.anonymize``; see ``registry``.
"""

from __future__ import annotations

from .generalize import Generalize
from .keyed_hash import KeyedHash
from .keys import MIN_KEY_BYTES, OperatorKey
from .mask import Mask
from .pseudonym import Pseudonym, pseudonym
from .redact import Redact
from .registry import OPERATORS, anonymize_text, anonymizer_engine, default_policy, keyed
from .surname import Surname, surname_only

__all__ = [
    "MIN_KEY_BYTES",
    "OPERATORS",
    "Generalize",
    "KeyedHash",
    "Mask",
    "OperatorKey",
    "Pseudonym",
    "Redact",
    "Surname",
    "anonymize_text",
    "anonymizer_engine",
    "default_policy",
    "keyed",
    "pseudonym",
    "surname_only",
]
