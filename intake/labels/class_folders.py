"""`class_folders`: no label files; an image's class is its folder, `root/<class>/.../img`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator

from intake.contract_format import ContractRules
from intake.labels.limits import LabelLimits
from intake.labels.paths import under
from intake.labels.record import LabelRecord
from intake.problems import Problems


class ClassFoldersParser:
    name = "class_folders"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        self._root = rules.layout.root.strip("/")
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return False

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        """Never called: this layout wants no files."""

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        for path in sorted(image_paths):
            rel = under(path, self._root)
            if rel is None:
                continue
            folder, slash, _ = rel.partition("/")
            if not slash:
                problems.error("label.no_class", "an image directly in the dataset folder has "
                               "no class folder", file=path)
                continue
            yield LabelRecord(image=path, classes=(folder,), file=path)
