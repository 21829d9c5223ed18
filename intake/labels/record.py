"""What every layout parser produces and the interface the validator drives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Protocol

from intake.problems import Problems


@dataclass(frozen=True)
class LabelRecord:
    """One label: which image, which classes, which fields are filled — never the values."""

    image: str  # archive path; unresolved references keep the path as written under the root
    classes: tuple[str, ...]
    file: str
    line: int | None = None
    json_path: str | None = None
    fields: frozenset[str] = frozenset()


class LabelParser(Protocol):
    """Fed the label files of one upload as the archive streams past, then asked for records.

    Never raises on content: every defect becomes a problem naming the place, not the value.
    """

    name: str
    encodings: Counter[str]  # label files per text encoding, for the report

    def wants(self, path: str) -> bool: ...

    def feed(self, path: str, data: bytes, problems: Problems) -> None: ...

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        ...
