"""Messages in English and Chinese, one TOML catalogue per page, chosen per request.

The language is the `airlock_lang` cookie the switcher sets, else the first of the
browser's `Accept-Language` that the console speaks, else English.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from typing import Literal

from starlette.requests import Request

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
LANGUAGE_COOKIE = "airlock_lang"


@functools.cache
def catalogue() -> dict[Language, dict[str, str]]:
    """Every message, `file.key` -> text, per language."""
    out: dict[Language, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for entry in sorted(files("airlock.console").joinpath("messages").iterdir(),
                        key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        page = entry.name.removesuffix(".toml")
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for lang in LANGUAGES:
            for key, text in data.get(lang, {}).items():
                out[lang][f"{page}.{key}"] = str(text)
    return out


_BY_TAG: dict[str, Language] = {lang: lang for lang in LANGUAGES}


def language_of(request: Request) -> Language:
    chosen = _BY_TAG.get(request.cookies.get(LANGUAGE_COOKIE, ""))
    if chosen is not None:
        return chosen
    for part in request.headers.get("accept-language", "").split(",")[:20]:
        found = _BY_TAG.get(part.split(";")[0].strip().lower()[:2])
        if found is not None:
            return found
    return "en"


class Translator:
    """`t("page.key", name=...)`: the message in the request's language, formatted."""

    def __init__(self, language: Language,
                 messages: Mapping[Language, Mapping[str, str]] | None = None) -> None:
        self.language = language
        self._messages = (messages or catalogue())[language]

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self._messages)

    def __call__(self, key: str, **values: object) -> str:
        text = self._messages.get(key)
        if text is None:
            raise KeyError(f"no {self.language} message {key!r}")
        return text.format(**values) if values else text
