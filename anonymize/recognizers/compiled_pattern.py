"""A Presidio pattern compiled once, with the flags its recognizer matches with.

Presidio's `Pattern` compiles its regex without flags to validate it, and its recognizer
compiles it again with its flags when it first runs: two compiles of the `regex` module,
whose parser is pure Python. For the long alternations of the street-address patterns that
was a quarter of a second of every process start. Compiling once with the recognizer's flags
validates the regex just as well and is the compiled pattern the recognizer then uses
(`PatternRecognizer` reuses `compiled_regex` when `compiled_with_flags` are its flags).
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern


class CompiledPattern(Pattern):
    """`Pattern(name, regex, score)`, compiled with `flags` (those of the recognizer that
    will hold it: Presidio's default, or its `global_regex_flags`)."""

    def __init__(self, name: str, pattern: str, score: float, flags: int) -> None:
        # Not Pattern.__init__: its only other work is the flagless compile saved here.
        if not 0 <= score <= 1:
            raise ValueError(f"Invalid score: {score}. Score should be between 0 and 1")
        self.name = name
        self.regex = pattern
        self.score = score
        self.compiled_regex = regex.compile(pattern, flags=flags)
        self.compiled_with_flags = flags  # type: ignore[assignment]  # Presidio: None
