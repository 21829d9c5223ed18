"""电子邮箱 (e-mail addresses in Chinese text)."""

from __future__ import annotations

from typing import ClassVar

import tldextract
from presidio_analyzer import Pattern

from .zh_pattern_recognizer import ZhPatternRecognizer

# ASCII local part and domain: Han characters around the address are never absorbed,
# so "邮箱abc@qq.com谢谢" yields exactly "abc@qq.com".
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}"


class ZhEmailRecognizer(ZhPatternRecognizer):
    """Recognize e-mail addresses next to Han characters, with an offline TLD check.

    Presidio's EmailRecognizer delimits with ``\\b``, which does not separate Han
    characters from the address, and validates with ``tldextract.extract``, which may
    download the public suffix list. Here the domain must end in a public suffix from
    the snapshot bundled with tldextract, read without network or disk cache, for the
    score: an address under no known suffix is still reported, at `SHAPE_ONLY_SCORE`.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Email",
            r"(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-])" + _LOCAL + "@" + _DOMAIN
            + r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])",
            0.5,
        ),
    ]

    ENTITY: ClassVar[str] = "EMAIL"
    CONTEXT: ClassVar[list[str]] = ["邮箱", "邮件", "email", "e-mail", "mail", "信箱"]

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "zh",
        supported_entity: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(patterns, context, supported_language, supported_entity, name)
        # Empty URL list and no cache dir: only the bundled snapshot is ever read.
        self._tld_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def shape_only(self, pattern_text: str) -> bool:
        """A domain that is no registrable name under a known public suffix (a typo, an
        intranet name, a mailbox directly under gov.cn): still someone's address."""
        parts = self._tld_extract(pattern_text.rpartition("@")[2])
        return not (parts.suffix and parts.domain)
