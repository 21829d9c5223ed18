"""A step's progress as the job told it, call by call, in order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Recorded:
    calls: list[tuple[object, ...]] = field(default_factory=list)

    def started(self, total: int | None, shards: int | None = None) -> None:
        self.calls.append(("started", total, shards))

    def advanced(self, done: int) -> None:
        self.calls.append(("advanced", done))

    def shard_done(self) -> None:
        self.calls.append(("shard",))
