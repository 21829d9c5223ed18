"""Recognizers for structured Chinese personal data, one Presidio recognizer per type.

Entity types: CN_ID, CN_PHONE, BANK_CARD, CN_PASSPORT, CN_PLATE, EMAIL, CN_ADDRESS,
CN_USCC, CN_TRAVEL_PERMIT, HK_ID, MO_ID, WECHAT_ID, QQ_NUMBER, VIN, MEDICAL_RECORD_NUMBER,
STUDENT_ID.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from .bank_card_recognizer import BankCardRecognizer
from .cn_address_recognizer import CnAddressRecognizer
from .cn_credit_code_recognizer import CnCreditCodeRecognizer
from .cn_id_recognizer import CnIdRecognizer
from .cn_passport_recognizer import CnPassportRecognizer
from .cn_phone_recognizer import CnPhoneRecognizer
from .cn_plate_recognizer import CnPlateRecognizer
from .cued_id_recognizers import (
    MedicalRecordRecognizer,
    QqNumberRecognizer,
    StudentIdRecognizer,
    WeChatIdRecognizer,
)
from .hk_macau_id_recognizer import HkIdRecognizer, MacauIdRecognizer
from .travel_permit_recognizer import TravelPermitRecognizer
from .vin_recognizer import VinRecognizer
from .zh_email_recognizer import ZhEmailRecognizer
from .zh_pattern_recognizer import ZhPatternRecognizer

__all__ = [
    "BankCardRecognizer",
    "CnAddressRecognizer",
    "CnCreditCodeRecognizer",
    "CnIdRecognizer",
    "CnPassportRecognizer",
    "CnPhoneRecognizer",
    "CnPlateRecognizer",
    "HkIdRecognizer",
    "MacauIdRecognizer",
    "MedicalRecordRecognizer",
    "QqNumberRecognizer",
    "StudentIdRecognizer",
    "TravelPermitRecognizer",
    "VinRecognizer",
    "WeChatIdRecognizer",
    "ZhEmailRecognizer",
    "ZhPatternRecognizer",
    "zh_structured_recognizers",
]


def zh_structured_recognizers() -> list[EntityRecognizer]:
    """One instance of each recognizer, for Chinese ("zh") text."""
    return [
        CnIdRecognizer(),
        CnPhoneRecognizer(),
        BankCardRecognizer(),
        CnPassportRecognizer(),
        CnPlateRecognizer(),
        ZhEmailRecognizer(),
        CnAddressRecognizer(),
        CnCreditCodeRecognizer(),
        TravelPermitRecognizer(),
        HkIdRecognizer(),
        MacauIdRecognizer(),
        WeChatIdRecognizer(),
        QqNumberRecognizer(),
        VinRecognizer(),
        MedicalRecordRecognizer(),
        StudentIdRecognizer(),
    ]
