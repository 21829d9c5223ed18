"""What the anonymised copy may keep: a contract's choice, and the dataset job's."""

from __future__ import annotations

from enum import StrEnum


class AnonymisationMode(StrEnum):
    """PIPL art. 73: de-identified data can be re-identified with additional information
    kept apart; anonymised data cannot."""

    ANONYMISE = "anonymise"
    DEIDENTIFY = "deidentify"
