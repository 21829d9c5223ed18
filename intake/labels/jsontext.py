"""JSON with a nesting bound checked before the parser recurses."""

from __future__ import annotations

import json
import re
from itertools import accumulate

# A string literal; the closing quote is optional so an unterminated one is consumed once
# instead of being retried from every later quote (which would be quadratic).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonRejected(Exception):
    """The document was refused; `rule` and `message` describe why, without content."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside string literals, at C speed (regexes and accumulate)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def parse_json(text: str, max_depth: int) -> object:
    if nesting_depth(text) > max_depth:
        raise JsonRejected("label.json_too_deep", f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError as exc:  # fallback; the scan above should have refused it
        raise JsonRejected("label.json_too_deep", "JSON nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        raise JsonRejected("label.malformed_json", "not valid JSON") from exc
