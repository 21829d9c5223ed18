"""Progress bars on stderr (bytes, rate, time left), shown only to a person at a terminal:
never with --quiet or --json, nor when stderr is a file or a pipe."""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

from tqdm import tqdm

from airlock_client.output import Output

FALLBACK_COLUMNS = 80
FALLBACK_ROWS = 24


def _sized() -> bool:
    """Whether stderr is a terminal that reports its size."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        return size.columns > 0 and size.lines > 0
    except (OSError, ValueError):
        return False


class Bar:
    """One bar; `advance` may be called from several threads."""

    def __init__(self, output: Output, description: str, total: int | None, *,
                 unit: str = "B", initial: int = 0) -> None:
        in_bytes = unit == "B"
        sized = _sized()
        self._bar = tqdm(total=total, initial=initial, desc=description, unit=unit,
                         unit_scale=in_bytes, unit_divisor=1024 if in_bytes else 1000,
                         file=sys.stderr, disable=not output.shows_progress,
                         mininterval=0.5, leave=True,
                         # A terminal that reports no size (a pty never sized) would get an
                         # empty bar: tqdm hides bars below its last row.
                         dynamic_ncols=sized, ncols=None if sized else FALLBACK_COLUMNS,
                         nrows=None if sized else FALLBACK_ROWS)
        self._lock = threading.Lock()

    def advance(self, amount: int) -> None:
        with self._lock:
            self._bar.update(amount)

    def show(self, done: int, total: int | None, note: str = "") -> None:
        """Set the bar to `done` of `total` (counts polled from the server), `note` after
        it."""
        with self._lock:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
