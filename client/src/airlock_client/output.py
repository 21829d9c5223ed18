"""How a command speaks: human text on stdout, JSON with ``--json``, nothing but errors with
``--quiet``; progress and notes on stderr, so stdout stays parseable."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Callable, Union

Human = Union[str, Callable[[], str]]


@dataclass(frozen=True)
class Output:
    as_json: bool = False
    quiet: bool = False

    @property
    def shows_progress(self) -> bool:
        return not self.quiet and not self.as_json and sys.stderr.isatty()

    def result(self, data: Any, human: Human) -> None:
        """The command's result: `data` as JSON, or `human` as text."""
        if self.as_json:
            print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        elif not self.quiet:
            print(human() if callable(human) else human)

    def note(self, message: str) -> None:
        if not self.quiet and not self.as_json:
            print(message, file=sys.stderr)

    def error(self, message: str, code: int) -> None:
        """Errors are always told: on stderr, and as JSON on stdout with ``--json``."""
        if self.as_json:
            print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
        print(f"error: {message}", file=sys.stderr)
