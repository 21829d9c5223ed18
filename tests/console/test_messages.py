"""Every message exists in English and Chinese, with the same placeholders, and every
message a template names exists."""

from __future__ import annotations

import re
import string
from importlib.resources import files

from airlock.console.i18n import LANGUAGES, catalogue

# Whole keys only: `t('common.role_' ~ role)` builds its key at run time.
_NAMED = re.compile(r"""\bt\(\s*'([a-z_]+\.[a-z0-9_]+)'\s*[,)]""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_hold_the_same_messages_and_placeholders() -> None:
    english, chinese = (catalogue()[lang] for lang in LANGUAGES)
    assert set(english) == set(chinese)
    for key, text in english.items():
        assert _fields(text) == _fields(chinese[key]), key


def test_every_message_a_template_names_exists() -> None:
    known = set(catalogue()["en"])
    templates = files("airlock.console").joinpath("templates")
    named = {key for entry in templates.iterdir() if entry.name.endswith(".html")
             for key in _NAMED.findall(entry.read_text(encoding="utf-8"))}
    assert named, "no message found: the pattern no longer matches the templates"
    assert named <= known, sorted(named - known)
