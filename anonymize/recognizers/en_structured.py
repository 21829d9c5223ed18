"""Presidio's card, IBAN, IP and e-mail recognizers, widened to every shape the standards allow.

Measured with bench/en_structured_corpus.py (written from the standards), Presidio's own
patterns miss: card numbers of 17 to 19 digits in groups and Mastercard's 2-series
(ISO/IEC 7812: 2221-2720); IBANs of countries whose national format its table writes more
narrowly than the IBAN registry (a check-digit-valid IBAN of a registry country and
length is an IBAN); an IP address written with its port ("10.0.0.1:8080",
"[2001:db8::1]:443"); an e-mail address whose domain is internationalised ("münchen.de").
The validity rules stay where they decide: Luhn for cards, ISO 7064 mod 97-10 for IBANs.
"""

from __future__ import annotations

import ipaddress
import string
from re import DOTALL, IGNORECASE, MULTILINE  # the `regex` module's flag values too

from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, IbanRecognizer

from anonymize.recognizers.zh_structured import ZhEmailRecognizer
from anonymize.recognizers.zh_structured.checksums import luhn_valid

# Card numbers start with an ISO/IEC 7812 major industry digit 2-6 and have 12-19
# digits, printed bare or in groups of 3-6 with spaces or dashes (4-4-4-4-3, 4-6-5, ...).
CARD_PATTERNS = [
    Pattern("card number in groups",
            r"(?<![\w+.,/-])[2-6]\d{3}(?:[ -]\d{3,6}){2,4}(?![\w]|[.,-]\d)", 0.3),
    Pattern("bare card number", r"(?<![\w+.,/-])[2-6]\d{11,18}(?![\w]|[.,-]\d)", 0.3),
]
MIN_CARD_DIGITS = 12
MAX_CARD_DIGITS = 19

# ISO 13616 registry: country and IBAN length (SWIFT's IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}
_IP_PORT = r":\d{1,5}(?![\w:]|\.\d)"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IP_PATTERNS = [
    Pattern("IPv4 with port", r"(?<![\w.:])" + _OCTET + r"(?:\." + _OCTET + r"){3}"
            + _IP_PORT, 0.6),
    Pattern("bracketed IPv6 with port",
            r"(?<![\w\]])\[[0-9A-Fa-f:.]{2,45}(?:%\w+)?\](?:" + _IP_PORT + r")?", 0.6),
]
# Local part and domain: letters of any script, digits and the RFC 5322 atom characters.
_EMAIL_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_EMAIL_DOMAIN = r"(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]{1,62}"
EMAIL_PATTERNS = [
    Pattern("e-mail address", r"(?<![\w!#$%&'*+/=?^`{|}~.@-])" + _EMAIL_LOCAL + "@"
            + _EMAIL_DOMAIN + r"(?![\p{L}\p{N}-]|\.[\p{L}\p{N}])", 0.5),
]


def card_recognizer() -> CreditCardRecognizer:
    """Presidio's recognizer (its context words, its Luhn check) on every card shape."""
    return CardNumberRecognizer(patterns=CARD_PATTERNS, name="CreditCardRecognizer")


class CardNumberRecognizer(CreditCardRecognizer):
    """12-19 digits that pass Luhn."""

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        return MIN_CARD_DIGITS <= len(digits) <= MAX_CARD_DIGITS and luhn_valid(digits)


def iban_valid(value: str) -> bool:
    """A registry country, its length, and ISO 7064 mod 97-10 check digits."""
    compact = "".join(value.split()).replace("-", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(string.digits.find(c) if c.isdigit() else ord(c) - 55)
                       for c in moved)) % 97 == 1


class RegistryIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, validating against the registry's lengths and the
    check digits rather than its narrower per-country formats; lower case too ("my iban
    is gb82west...")."""

    def __init__(self) -> None:
        super().__init__(regex_flags=DOTALL | MULTILINE | IGNORECASE)

    def validate_result(self, pattern_text: str) -> bool:
        return iban_valid(pattern_text)


class IpWithPortRecognizer(PatternRecognizer):
    """An IP address with its port, or an IPv6 address in brackets: the whole of it.
    (Presidio's IpRecognizer still finds the address alone.)"""

    def __init__(self, supported_language: str = "en",
                 name: str = "IpWithPortRecognizer") -> None:
        super().__init__(supported_entity="IP_ADDRESS", name=name,
                         supported_language=supported_language, patterns=IP_PATTERNS,
                         context=["ip", "host", "server", "address"])

    def validate_result(self, pattern_text: str) -> bool:
        host = (pattern_text[1:pattern_text.index("]")] if pattern_text.startswith("[")
                else pattern_text.rpartition(":")[0])
        try:
            ipaddress.ip_address(host.partition("%")[0])
        except ValueError:
            return False
        return True


class EnglishEmailRecognizer(ZhEmailRecognizer):
    """E-mail addresses in English text, internationalised ones included (the domain
    must end in a public suffix, checked offline as for Chinese text)."""

    PATTERNS = EMAIL_PATTERNS
