"""Phone numbers in English text in the shapes international contact data takes.

Digit groups joined by spaces, dots, hyphens or parentheses, with an optional country code
("+46", "001-"), trunk prefix "(0)" and extension ("x4587", "ext. 12"): "+41 (0)96 471 07
95", "(898)666-3621x0135", "03.93.92.16.85", "001-253-366-9781". A candidate is kept when
it has 7 to 15 digits (extension apart) and is not a shape that means something else:
a date, an IP address, a US SSN, a year range, a decimal number, a bare run of digits
shorter than a full national number, a column of figures. It replaces Presidio's
PhoneRecognizer (libphonenumber, one pass per region), which missed a third of these
formats and took a third of the English recognizer time.
"""

from __future__ import annotations

from re import IGNORECASE, findall, match, sub

from presidio_analyzer import Pattern, PatternRecognizer

_EXTENSION = r"(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})"
# Not inside a longer number, word, decimal or URL, nor a column of numbers ("12 7 6 77").
_START = r"(?<![\w+.\-/]|\d,|\d[ ]|\d[.,:][ ]?)"
_END = r"(?![\w]|-\d|[.,:]\d|[ ]\d)"
_GROUPS = r"\d{1,8}(?:(?:[ .\-]|[ ]?-[ ]?)\d{1,8}){1,5}"
_BODY = (r"(?:\(0\)[ .\-]?)?"  # trunk prefix written "(0)"
         r"(?:\(\d{1,5}\)[ .\-]?)?"  # area code in parentheses
         r"(?:" + _GROUPS + r"|\d{7,15})"
         + _EXTENSION + r"?" + _END)
_COUNTRY_CODE = r"(?:\+|00)\d{1,3}[ .\-]?"
_US_EXIT = r"001[ .\-]"  # "001-253-366-9781"
_TRAILING_EXTENSION = r"(?i:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})$"
# Shapes with the right digit count that are not phone numbers.
_NOT_PHONE = (
    r"\d{4}[\-./]\d{1,2}[\-./]\d{1,2}(?!\d)",  # ISO date (with a time after it)
    r"\d{1,2}[\-./]\d{1,2}[\-./]\d{4}$",  # day-month-year
    r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$",  # IPv4 address
    r"\d{3}-\d{2}-\d{4}$",  # US SSN
)
MIN_DIGITS = 7
MAX_DIGITS = 15
MIN_BARE_DIGITS = 10  # an unformatted run: a full national number, not any 7-digit count
MAX_BARE_DIGITS = 11  # longer bare runs are sizes, ids and counts ("53687091200" is 11)

# North American toll-free numbers spelled on the keypad: "1-800-FLOWERS",
# "(888) GOT-JUNK". Letters in capitals (a lower-case word after 800 is a count).
_TOLL_FREE = r"8(?:00|88|77|66|55|44|33)"
_VANITY = (r"(?<![\w+.\-/])(?:\+?1[ .\-]?)?(?:" + _TOLL_FREE + r"|\(" + _TOLL_FREE + r"\))"
           r"[ .\-]?(?-i:(?=[A-Z0-9\-. ]{0,8}[A-Z])(?:[A-Z0-9]{3}[ .\-]?[A-Z0-9]{4}|[A-Z0-9]{7}))"
           + _EXTENSION + r"?(?![\w])")

PATTERNS = (
    Pattern("toll-free number in letters", _VANITY, 0.5),
    Pattern("international phone number", _START + r"(?:" + _COUNTRY_CODE + r"|" + _US_EXIT
            + r")" + _BODY, 0.6),
    Pattern("phone number", _START + _BODY, 0.4),
)
CONTEXT = ["phone", "telephone", "tel", "mobile", "cell", "fax", "desk", "call", "contact",
           "number", "whatsapp", "sms", "text"]


class EnglishPhoneRecognizer(PatternRecognizer):
    """Phone numbers with separators, country codes, trunk prefixes and extensions."""

    ENTITY = "PHONE_NUMBER"

    def __init__(self, supported_language: str = "en",
                 name: str = "EnglishPhoneRecognizer") -> None:
        super().__init__(supported_entity=self.ENTITY, name=name,
                         supported_language=supported_language, patterns=list(PATTERNS),
                         context=CONTEXT, global_regex_flags=IGNORECASE)

    def validate_result(self, pattern_text: str) -> bool:
        return is_phone_number(pattern_text)


def is_phone_number(candidate: str) -> bool:
    """Digit count in range and no look-alike shape (see the module docstring)."""
    number = sub(_TRAILING_EXTENSION, "", candidate)
    if match(_VANITY, number):
        return True  # letters stand for digits: the pattern is the whole check
    if any(match(shape, number) for shape in _NOT_PHONE):
        return False
    digits = sub(r"\D", "", number)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return False
    if digits == number:  # a bare national number: 10 or 11 digits ("3660170548")
        return MIN_BARE_DIGITS <= len(digits) <= MAX_BARE_DIGITS
    separators = set(findall(r"[ .\-–]", sub(r"\(0\)", "", number)))
    if "." in separators and (len(separators) > 1 or number.count(".") == 1):
        return False  # a decimal, or decimals in a row of figures: "97 77.53 77.24"
    groups = findall(r"\d+", sub(r"^(?:\+|00)\d{1,3}|\(0\)", "", number))
    if any(len(group) == 1 for group in groups[1:]):
        return False  # scores and table cells: "12 7 6 77", "1-11 2-38"
    if len(digits) < 8 and max(len(group) for group in groups) < 4:
        return False  # a 7-digit local number is written 3-4 ("668 5702"), not "65 67 133"
    return not _is_range(groups, separators)


def _is_range(groups: list[str], separators: set[str]) -> bool:
    """"1200-1300", "1990-2000": two equal-length figures joined by a dash, rising."""
    if len(groups) != 2 or not separators <= {"-", "–", " "} or "-" not in separators:
        return False
    first, second = groups
    return (len(first) == len(second) and not first.startswith("0")
            and int(first) < int(second))
