"""Account and record numbers that only their cue word tells apart from other codes:
WeChat ids, QQ numbers, medical record numbers and student numbers."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import ZhPatternRecognizer, after_cue

# A cue word may carry 号/号码/账号 and a colon: "微信号：", "QQ号码 ", "住院号:".
_NUMBER_WORD = "(?:号码|号|账号|帐号|id|ID)?"


class WeChatIdRecognizer(ZhPatternRecognizer):
    """A WeChat id after 微信/微信号/WeChat/wx/vx/加V: a letter, then 5-19 letters, digits,
    ``_`` or ``-`` (WeChat's own rule). A WeChat id may also be a phone number, which the
    phone recognizer finds."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("WeChat id (after its cue)",
                after_cue(f"(?<![A-Za-z])(?:微信|weixin|wechat|wx|vx|v信|薇信){_NUMBER_WORD}|加v",
                          "[A-Za-z][A-Za-z0-9_-]{5,19}(?![_-])"),
                0.6),
    ]
    ENTITY: ClassVar[str] = "WECHAT_ID"
    CONTEXT: ClassVar[list[str]] = ["微信", "wechat", "加我"]


class QqNumberRecognizer(ZhPatternRecognizer):
    """A QQ number after QQ/扣扣: 5-11 digits, never starting with 0."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("QQ number (after its cue)",
                after_cue(f"(?<![A-Za-z])qq(?:群)?{_NUMBER_WORD}|扣扣{_NUMBER_WORD}|企鹅号",
                          "[1-9][0-9]{4,10}"),
                0.6),
    ]
    ENTITY: ClassVar[str] = "QQ_NUMBER"
    CONTEXT: ClassVar[list[str]] = ["qq", "扣扣"]


class MedicalRecordRecognizer(ZhPatternRecognizer):
    """A medical record number after 病历号/住院号/门诊号/病案号/就诊卡号: up to three
    letters, then digits, with hyphens (ZY2023-00123)."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Medical record number (after its cue)",
                after_cue("(?:病历|住院|门诊|病案|就诊卡|就诊|急诊|体检)(?:编号|号码|号)",
                          "[A-Za-z]{0,3}[0-9][0-9-]{3,19}(?<!-)"),
                0.6),
    ]
    ENTITY: ClassVar[str] = "MEDICAL_RECORD_NUMBER"
    CONTEXT: ClassVar[list[str]] = ["病历", "住院", "门诊", "病案", "患者"]


class StudentIdRecognizer(ZhPatternRecognizer):
    """A student number after 学号/学籍号/学生证号: up to three letters and 4-16 digits."""

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Student number (after its cue)",
                after_cue("学号|学籍号|学生证号|学生号|student id|student no\\.?",
                          "[A-Za-z]{0,3}[0-9]{4,16}"),
                0.6),
    ]
    ENTITY: ClassVar[str] = "STUDENT_ID"
    CONTEXT: ClassVar[list[str]] = ["学号", "学生", "学籍"]
