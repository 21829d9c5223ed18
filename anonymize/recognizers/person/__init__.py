"""Person-name recognizers for Presidio: Chinese (Baidu LAC + surname rules), English
(spaCy NER + title, given-name and cue rules).

Build one ``LacModel`` per process and pass it in; nothing heavy loads at import time::

    lac = LacModel()
    for recognizer in person_recognizers(lac):
        registry.add_recognizer(recognizer)
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from anonymize.recognizers.person.en_person import DEFAULT_EN_RULES, EnglishPersonRecognizer
from anonymize.recognizers.person.lac_model import LacModel
from anonymize.recognizers.person.zh_person import DEFAULT_ZH_RULES, ChinesePersonRecognizer

__all__ = [
    "DEFAULT_EN_RULES",
    "DEFAULT_ZH_RULES",
    "ChinesePersonRecognizer",
    "EnglishPersonRecognizer",
    "LacModel",
    "person_recognizers",
]


def person_recognizers(lac: LacModel) -> list[EntityRecognizer]:
    """The person recognizers, Chinese one backed by ``lac``, with the default rules."""
    return [ChinesePersonRecognizer(lac), EnglishPersonRecognizer()]
