"""Generate a labelled corpus of English structured PII, written from the standards.

Deterministic (seeded ``random.Random``, no external data), written from the numbering
rules, not from the recognizers: payment cards of every major brand and length (ISO/IEC
7812 prefixes, Luhn check digit) grouped as each brand prints them, with spaces, dashes
or none; phone numbers in the national formats of many countries and in E.164, with
extensions; IBANs of many countries (ISO 13616 BBAN formats, ISO 7064 mod 97-10 check
digits), in groups of four or compact; IPv4 and IPv6 addresses (RFC 5952 compressed forms,
IPv4-mapped, zone ids, with ports); US SSNs (SSA rules: no area 000, 666 or 9xx, no group
00, no serial 0000) with dashes or spaces; e-mail addresses with plus tags, dots,
subdomains, long TLDs and internationalised domains. Each value sits in an English
sentence, at its start, its end, after a colon or in brackets. Writes JSON Lines in the
shared/data format ``{"id", "text", "entities": [{"start", "end", "label", "text"}]}``
(code-point offsets, end exclusive). Templates hold no personal names.

Usage: .venv/bin/python bench/en_structured_corpus.py --out FILE [--n 1200] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

Record = dict[str, Any]
Generator = Callable[[random.Random], str]

# (prefixes, lengths, grouping by length): what ISO/IEC 7812 issuers print on the card.
CARD_BRANDS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "visa": (("4",), (13, 16, 19)),
    "mastercard": (("51", "52", "53", "54", "55", "2221", "2500", "2720"), (16,)),
    "amex": (("34", "37"), (15,)),
    "discover": (("6011", "644", "649", "65"), (16, 19)),
    "diners": (("300", "305", "36", "38"), (14,)),
    "jcb": (("3528", "3589"), (16, 19)),
    "unionpay": (("62",), (16, 17, 18, 19)),
    "maestro": (("5018", "5020", "6304", "6759"), (12, 13, 15, 16, 19)),
}
# How a card number of each length is grouped when it is written with separators.
CARD_GROUPS: dict[int, tuple[int, ...]] = {
    12: (4, 4, 4), 13: (4, 3, 3, 3), 14: (4, 6, 4), 15: (4, 6, 5), 16: (4, 4, 4, 4),
    17: (4, 4, 4, 5), 18: (4, 4, 4, 6), 19: (4, 4, 4, 4, 3),
}
# ISO 13616 BBAN formats of the IBAN registry: n digits, a capitals, c either.
IBAN_FORMATS: dict[str, str] = {
    "AD": "8n12c", "AE": "3n16n", "AL": "8n16c", "AT": "16n", "BA": "16n", "BE": "12n",
    "BG": "4a6n8c", "BH": "4a14c", "BR": "23n1a1c", "CH": "5n12c", "CR": "18n",
    "CY": "8n16c", "CZ": "20n", "DE": "18n", "DK": "14n", "DO": "4c20n", "EE": "16n",
    "ES": "20n", "FI": "14n", "FO": "14n", "FR": "10n11c2n", "GB": "4a14n", "GE": "2a16n",
    "GI": "4a15c", "GL": "14n", "GR": "7n16c", "GT": "4c20c", "HR": "17n", "HU": "24n",
    "IE": "4a14n", "IL": "19n", "IS": "22n", "IT": "1a10n12c", "JO": "4a4n18c",
    "KW": "4a22c", "KZ": "3n13c", "LB": "4n20c", "LI": "5n12c", "LT": "16n", "LU": "3n13c",
    "LV": "4a13c", "MC": "10n11c2n", "MD": "2c18c", "ME": "18n", "MK": "3n10c2n",
    "MR": "23n", "MT": "4a5n18c", "MU": "4a19n3a", "NL": "4a10n", "NO": "11n",
    "PK": "4a16c", "PL": "24n", "PS": "4a21c", "PT": "21n", "QA": "4a21c", "RO": "4a16c",
    "RS": "18n", "SA": "2n18c", "SE": "20n", "SI": "15n", "SK": "20n", "SM": "1a10n12c",
    "TN": "20n", "TR": "5n1n16c", "UA": "6n19c", "VG": "4a16n", "XK": "4n10n2n",
}
# Phone formats: "d" is a digit; country code first where the number is international.
PHONE_FORMATS = (
    "+1 ddd-ddd-dddd", "+1 (ddd) ddd-dddd", "(ddd) ddd-dddd", "ddd-ddd-dddd", "ddd.ddd.dddd",
    "1-ddd-ddd-dddd", "+1dddddddddd", "001-ddd-ddd-dddd", "ddd ddd dddd",
    "+44 20 dddd dddd", "020 dddd dddd", "+44 7ddd dddddd", "07ddd dddddd",
    "+44 (0)1ddd dddddd", "+49 30 ddddddd", "+49 (0)89 dddd dddd", "030 dddddddd",
    "+49 1dd ddddddd", "+33 1 dd dd dd dd", "01 dd dd dd dd", "+33 (0)6 dd dd dd dd",
    "+39 06 dddd dddd", "+39 3dd ddd dddd", "+34 91 ddd dd dd", "+34 6dd ddd ddd",
    "+31 20 ddd dddd", "+31 6 dddddddd", "+32 2 ddd dd dd", "+41 44 ddd dd dd",
    "+43 1 dddddddd", "+46 8 ddd ddd dd", "+47 dd dd dd dd", "+45 dd dd dd dd",
    "+358 9 dddd dddd", "+48 dd ddd dd dd", "+420 ddd ddd ddd", "+36 1 ddd dddd",
    "+351 21 ddd dddd", "+30 21 dddd dddd", "+353 1 ddd dddd", "+7 495 ddd-dd-dd",
    "+90 212 ddd dd dd", "+972 3-ddd-dddd", "+971 4 ddd dddd", "+966 11 ddd dddd",
    "+91 9dddd ddddd", "+91-22-dddd-dddd", "+92 3dd ddddddd", "+880 1ddd-dddddd",
    "+86 138 dddd dddd", "+852 dddd dddd", "+81 3-dddd-dddd", "03-dddd-dddd",
    "+82 2-ddd-dddd", "+65 dddd dddd", "+60 3-dddd dddd", "+62 21 dddd dddd",
    "+63 2 dddd dddd", "+66 2 ddd dddd", "+84 24 dddd dddd", "+61 2 dddd dddd",
    "(02) dddd dddd", "04dd ddd ddd", "+61 4dd ddd ddd", "+64 9 ddd dddd",
    "+55 11 9dddd-dddd", "+55 (11) dddd-dddd", "+52 55 dddd dddd", "+54 11 dddd-dddd",
    "+56 2 dddd dddd", "+57 1 ddd dddd", "+51 1 ddd dddd", "+27 21 ddd dddd",
    "+234 803 ddd dddd", "+254 7dd dddddd", "+20 2 dddd dddd", "+212 5dd-dddddd",
    "+1dddddddddd", "+44dddddddddd", "+49dddddddddd", "+33ddddddddd", "+8613dddddddd",
    "+91dddddddddd", "1-800-ddd-dddd", "1-800-LLLLLLL", "1-888-LLL-LLLL", "(800) LLL-LLLL",
    "+1 800 LLL LLLL", "+1-ddd-ddd-dddd",
)
EXTENSIONS = ("", "", "", " ext. ddd", " x dddd", " ext dd", " extension dddd", "x ddd")
EMAIL_DOMAINS = (
    "example.com", "mail.example.org", "eu.mail.example.net", "example.co.uk",
    "example.com.au", "uni-example.edu", "example.technology", "example.io",
    "dept.example.gov", "example.de", "xn--mnchen-3ya.de", "münchen.de", "bücher.example.at",
    "example.museum", "sub.sub2.example.info", "EXAMPLE.COM", "example-mail.fr",
)
SENTENCES: dict[str, tuple[str, ...]] = {
    "CREDIT_CARD": (
        "Please charge {} for the order.", "card number {}", "My card is {}, exp 09/29.",
        "Paid with {}.", "CC: {}", "{} was declined yesterday", "use card ({}) instead",
        "the number on the card reads {}", "Card:{}",
    ),
    "PHONE": (
        "Call me at {}.", "phone: {}", "Tel {}", "You can reach the office on {} today.",
        "{} is my mobile", "fax ({})", "WhatsApp {}", "Contact: {}\nHours: 9-5",
        "ring {} after six", "Mobile:{}", "tel:{}",
    ),
    "IBAN": (
        "IBAN: {}", "Transfer the deposit to {} by Friday.", "account {} (savings)",
        "{} is the account to use", "Please pay into IBAN {}.", "iban:{}",
    ),
    "IP": (
        "The request came from {}.", "server {} is down", "ssh to {} then restart",
        "Client IP: {}", "blocked {} for an hour", "({}) logged in", "host={}",
    ),
    "SSN": (
        "SSN: {}", "My social security number is {}.", "ssn {} on file",
        "{} is the SSN on the form", "social ({}) verified",
    ),
    "EMAIL": (
        "Email me at {}.", "contact: {}", "<{}>", "{} wrote:", "send it to {}, thanks",
        "Mail:{}", "reply to ({}) please",
    ),
}


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def grouped(value: str, sizes: tuple[int, ...], sep: str) -> str:
    out, at = [], 0
    for size in sizes:
        out.append(value[at:at + size])
        at += size
    return sep.join(part for part in out if part)


def card(rng: random.Random) -> str:
    prefixes, lengths = CARD_BRANDS[rng.choice(sorted(CARD_BRANDS))]
    length = rng.choice(lengths)
    body = rng.choice(prefixes)
    body += "".join(rng.choice(string.digits) for _ in range(length - 1 - len(body)))
    number = body + luhn_digit(body)
    sep = rng.choice(("", " ", "-", " "))
    return grouped(number, CARD_GROUPS[length], sep) if sep else number


def _bban(rng: random.Random, spec: str) -> str:
    out: list[str] = []
    count = ""
    for ch in spec:
        if ch.isdigit():
            count += ch
            continue
        alphabet = {"n": string.digits, "a": string.ascii_uppercase,
                    "c": string.digits * 3 + string.ascii_uppercase}[ch]
        out.extend(rng.choice(alphabet) for _ in range(int(count)))
        count = ""
    return "".join(out)


def iban_check(country: str, bban: str) -> str:
    moved = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{98 - number % 97:02d}"


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_FORMATS))
    bban = _bban(rng, IBAN_FORMATS[country])
    value = country + iban_check(country, bban) + bban
    if rng.random() < 0.6:
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value.lower() if rng.random() < 0.1 else value


def phone(rng: random.Random) -> str:
    shape = rng.choice(PHONE_FORMATS) + rng.choice(EXTENSIONS)
    # "L": a letter of a vanity number (1-800-FLOWERS); its keypad digit is implied.
    return "".join(rng.choice(string.digits) if ch == "d"
                   else rng.choice(string.ascii_uppercase) if ch == "L" else ch
                   for ch in shape)


def ipv4(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1 if i == 0 else 0, 255)) for i in range(4))


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xffff):x}" for _ in range(8)]
    if rng.random() < 0.3:
        groups = ["2001", "db8", *groups[2:]]
    kind = rng.randint(0, 5)
    if kind == 0:
        return ":".join(groups)
    if kind == 1:  # the longest zero run compressed (RFC 5952)
        a = rng.randint(1, 5)
        b = rng.randint(a + 1, 7)
        return ":".join(groups[:a]) + "::" + ":".join(groups[b:])
    if kind == 2:
        return rng.choice(("::1", "fe80::1", "::ffff:" + ipv4(rng), "2001:db8::",
                           "fe80::" + ":".join(groups[4:]) + "%eth0"))
    if kind == 3:
        return ":".join(g.zfill(4) for g in groups).upper()
    if kind == 4:
        return ":".join(groups[:2]) + "::" + groups[7]
    return ":".join(groups[:6]) + ":" + ipv4(rng)


def ip(rng: random.Random) -> str:
    kind = rng.randint(0, 4)
    if kind == 0:
        return ipv4(rng)
    if kind == 4:
        return f"{ipv4(rng)}/{rng.randint(8, 32)}"
    if kind == 1:
        return f"{ipv4(rng)}:{rng.randint(1, 65535)}"
    if kind == 2:
        return ipv6(rng)
    return f"[{ipv6(rng)}]:{rng.randint(1, 65535)}"


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    sep = rng.choice(("-", "-", " ", ""))
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


def email(rng: random.Random) -> str:
    letters = string.ascii_lowercase
    local = "".join(rng.choice(letters) for _ in range(rng.randint(1, 10)))
    for _ in range(rng.randint(0, 2)):
        local += rng.choice((".", "_", "-", "+", "")) + "".join(
            rng.choice(letters + string.digits) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.15:
        local = local.capitalize()
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


GENERATORS: dict[str, Generator] = {
    "CREDIT_CARD": card, "PHONE": phone, "IBAN": iban, "IP": ip, "SSN": ssn,
    "EMAIL": email,
}


def record(index: int, rng: random.Random) -> Record:
    label = rng.choice(sorted(GENERATORS))
    value = GENERATORS[label](rng)
    before, _, after = rng.choice(SENTENCES[label]).partition("{}")
    text = before + value + after
    return {"id": f"en_structured_{index}", "source": "bench/en_structured_corpus.py",
            "text": text, "entities": [{"start": len(before), "end": len(before) + len(value),
                                        "label": label, "text": value}]}


def generate(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    return [record(i, rng) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                for r in generate(args.n, args.seed)), encoding="utf-8")


if __name__ == "__main__":
    main()
