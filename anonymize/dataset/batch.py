"""One label file's strings, rewritten together: the rewriters register every free-text
value and path reference they find (a slot each), then run the batch once and put the
results back where the slots were."""

from __future__ import annotations

from dataclasses import dataclass

from anonymize.dataset.mapping import MappingSink
from anonymize.dataset.names import PathNamer
from anonymize.dataset.pool import TextPool
from anonymize.dataset.tally import Tally


@dataclass(frozen=True)
class _Text:
    value: str
    field: str
    report_field: str
    where: str


@dataclass
class Rewriting:
    """What every label file of a job shares."""

    pool: TextPool
    namer: PathNamer
    tally: Tally
    mapping: MappingSink

    def batch(self, file: str) -> Batch:
        return Batch(self, file)


class Batch:
    def __init__(self, job: Rewriting, file: str) -> None:
        self._job = job
        self._file = file
        self._slots: list[_Text | str] = []  # a free-text value, or a path reference

    def text(self, value: str, field: str, report_field: str, where: str) -> int:
        """A free-text value; `field` names it in the mapping, `report_field` in the report."""
        self._slots.append(_Text(value, field, report_field, where))
        return len(self._slots) - 1

    def path(self, value: str) -> int:
        """A reference to a file of the dataset, renamed like the file itself."""
        self._slots.append(value)
        return len(self._slots) - 1

    def run(self, output_file: str) -> list[str]:
        """Every slot's new value, in slot order; `output_file` is this file's new name."""
        texts = [s for s in self._slots if isinstance(s, _Text)]
        rewritten = iter(self._job.pool.rewrite([t.value for t in texts]))
        paths = [s for s in self._slots if isinstance(s, str)]
        self._job.namer.prepare(paths)
        results: list[str] = []
        for slot in self._slots:
            if isinstance(slot, str):
                results.append(self._job.namer.rename(slot))
                continue
            done = next(rewritten)
            self._job.tally.add(slot.report_field, done.replacements)
            if done.replacements:
                self._job.mapping.value(output_file, slot.where, slot.field, done.replacements)
            results.append(done.text)
        return results
