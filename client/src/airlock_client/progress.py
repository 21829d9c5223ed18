"""Progress bars on stderr (bytes, rate, time left), shown only to a person at a terminal:
never with --quiet or --json, nor when stderr is a file or a pipe."""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from tqdm import tqdm

from airlock_client.output import Output


class Bar:
    """One bar; `advance` may be called from several threads."""

    def __init__(self, output: Output, description: str, total: int | None, *,
                 unit: str = "B", initial: int = 0) -> None:
        in_bytes = unit == "B"
        self._bar = tqdm(total=total, initial=initial, desc=description, unit=unit,
                         unit_scale=in_bytes, unit_divisor=1024 if in_bytes else 1000,
                         file=sys.stderr, disable=not output.shows_progress,
                         dynamic_ncols=True, mininterval=0.5, leave=True)
        self._lock = threading.Lock()

    def advance(self, amount: int) -> None:
        with self._lock:
            self._bar.update(amount)

    def show(self, done: int, total: int | None) -> None:
        """Set the bar to `done` of `total` (counts polled from the server)."""
        with self._lock:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
