"""Entity types against each other: which are one family, and which is the most specific.

Two recognizers may type one value differently: a Chinese mobile number is a CN_PHONE to
the Chinese recognizer and a PHONE_NUMBER to the English one, and spaCy may call an ID
number a DATE_TIME. These tables are the one place that settles it:

- an overlap is typed by the most specific type that spans all of it (`most_specific`);
- a contract's operator for a type applies to its whole family (`family`), so
  ``CN_PHONE: redact`` holds whichever phone type a recognizer chose.
"""

from __future__ import annotations

from collections.abc import Iterable

# Types that name one kind of value, the most specific first.
FAMILIES: tuple[tuple[str, ...], ...] = (
    ("CN_PHONE", "PHONE_NUMBER"),
    ("BANK_CARD", "CREDIT_CARD"),
    ("EMAIL", "EMAIL_ADDRESS"),
    ("CN_ADDRESS", "ADDRESS"),
    # Travel documents: a choice for passports also holds for the permits, which were
    # typed CN_PASSPORT before they had a type of their own.
    ("CN_TRAVEL_PERMIT", "CN_PASSPORT"),
    ("HK_ID", "MO_ID"),
)

# Most specific first: identifiers with a fixed shape, then numbers a cue word types (a QQ
# number may look like a phone number), then composite values (an address
# holds numbers and names), then what a language model guesses, then any long digit run.
# A type not listed ranks after all of these.
SPECIFICITY: tuple[str, ...] = (
    "CN_ID", "CN_PASSPORT", "CN_TRAVEL_PERMIT", "HK_ID", "MO_ID", "CN_USCC", "BANK_CARD",
    "CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_ITIN", "UK_NHS", "US_PASSPORT", "MEDICAL_LICENSE",
    "CRYPTO", "VIN", "CN_PLATE", "WECHAT_ID", "QQ_NUMBER", "MEDICAL_RECORD_NUMBER", "STUDENT_ID",
    "CN_PHONE",
    "PHONE_NUMBER", "EMAIL", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "UUID", "URL",
    "CN_ADDRESS", "ADDRESS",
    "PERSON", "AGE", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME",
    "US_BANK_NUMBER", "US_DRIVER_LICENSE",
)
_RANK = {entity_type: rank for rank, entity_type in enumerate(SPECIFICITY)}
_FAMILY = {member: members for members in FAMILIES for member in members}


def rank(entity_type: str) -> int:
    """Lower is more specific."""
    return _RANK.get(entity_type, len(SPECIFICITY))


def most_specific(entity_types: Iterable[str]) -> str:
    return min(entity_types, key=rank)


def family(entity_type: str) -> tuple[str, ...]:
    """The types that name the same kind of value, `entity_type` included."""
    return _FAMILY.get(entity_type, (entity_type,))
