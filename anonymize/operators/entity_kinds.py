"""Entity types grouped by the shape of their values, and text helpers shared by operators."""

from __future__ import annotations

import unicodedata
from enum import Enum


class Kind(Enum):
    PERSON = "person"
    PHONE = "phone"
    CN_ID = "cn_id"
    CARD = "card"
    EMAIL = "email"
    PLATE = "plate"
    PASSPORT = "passport"
    SAR_ID = "sar_id"
    CREDIT_CODE = "credit_code"
    VIN = "vin"
    ACCOUNT = "account"
    RECORD_NUMBER = "record_number"
    ADDRESS = "address"
    DATE = "date"
    AGE = "age"
    OTHER = "other"


_KINDS: dict[str, Kind] = {
    "PERSON": Kind.PERSON,
    "CN_PHONE": Kind.PHONE,
    "PHONE_NUMBER": Kind.PHONE,
    "CN_ID": Kind.CN_ID,
    "BANK_CARD": Kind.CARD,
    "CREDIT_CARD": Kind.CARD,
    "EMAIL": Kind.EMAIL,
    "EMAIL_ADDRESS": Kind.EMAIL,
    "CN_PLATE": Kind.PLATE,
    "CN_PASSPORT": Kind.PASSPORT,
    "CN_TRAVEL_PERMIT": Kind.PASSPORT,
    "HK_ID": Kind.SAR_ID,
    "MO_ID": Kind.SAR_ID,
    "CN_USCC": Kind.CREDIT_CODE,
    "VIN": Kind.VIN,
    "WECHAT_ID": Kind.ACCOUNT,
    "QQ_NUMBER": Kind.ACCOUNT,
    "MEDICAL_RECORD_NUMBER": Kind.RECORD_NUMBER,
    "STUDENT_ID": Kind.RECORD_NUMBER,
    "CN_ADDRESS": Kind.ADDRESS,
    "ADDRESS": Kind.ADDRESS,
    "LOCATION": Kind.ADDRESS,
    "DATE_TIME": Kind.DATE,
    "AGE": Kind.AGE,
}

# Types whose separators carry no identity: "138 1234 5678" and "13812345678" are one value.
_SEPARATOR_FREE = {Kind.PHONE, Kind.CN_ID, Kind.CARD, Kind.PASSPORT, Kind.PLATE, Kind.SAR_ID,
                   Kind.CREDIT_CODE, Kind.VIN}


def kind_of(entity_type: str) -> Kind:
    return _KINDS.get(entity_type, Kind.OTHER)


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def normalise(value: str, entity_type: str) -> str:
    """The form of a value that keyed operators feed to HMAC.

    NFC, whitespace collapsed, case-folded (a no-op for Chinese); for numeric identifiers
    (phones, IDs, cards, passports and permits, plates, Hong Kong and Macau IDs, credit
    codes, VINs) separators and brackets are dropped as well.
    """
    text = " ".join(unicodedata.normalize("NFC", value).split()).casefold()
    if kind_of(entity_type) in _SEPARATOR_FREE:
        text = "".join(c for c in text if c.isalnum())
    return text
