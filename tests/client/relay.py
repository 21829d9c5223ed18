"""A TCP relay between the client and the server, for tests and benchmarks of an unreliable
network: it can hold the client's bytes to one link's rate (shared by every connection, as a
real link is), cut every connection at once, cut a
connection once the client has sent it a byte budget (`budget()` gives each new connection
its own; None lets it through whole), and be pointed at another server port (a restarted
server). A cut resets both sides (SO_LINGER 0), as a dropped network looks to the peers."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

CHUNK = 16 * 1024
RESET = struct.pack("ii", 1, 0)
Budget = Callable[[], int | None]


class Relay:
    def __init__(self, target_port: int, bytes_per_second: float | None = None,
                 budget: Budget | None = None) -> None:
        self.target_port = target_port
        self.bytes_per_second = bytes_per_second
        self._budget = budget
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._link_free_at = 0.0
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        """Break every connection under way, as a dropped network does."""
        with self._lock:
            sockets, self._open = list(self._open), set()
            self.cuts += 1
        _reset(*sockets)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        self.cut()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                incoming, _ = self._listener.accept()
            except OSError:
                return
            try:
                outgoing = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                incoming.close()  # the server is down: the client sees a refused connection
                continue
            outgoing.settimeout(None)
            with self._lock:
                self._open |= {incoming, outgoing}
            budget = self._budget() if self._budget is not None else None
            threading.Thread(target=self._upstream, args=(incoming, outgoing, budget),
                             daemon=True).start()
            threading.Thread(target=self._downstream, args=(outgoing, incoming),
                             daemon=True).start()

    def _upstream(self, source: socket.socket, sink: socket.socket, budget: int | None) -> None:
        """The client's bytes to the server, slowed and counted against the budget."""
        sent = 0
        with suppress(OSError):
            while data := source.recv(CHUNK):
                if self.bytes_per_second:
                    self._through_link(len(data), self.bytes_per_second)
                if budget is not None and sent + len(data) >= budget:
                    sink.sendall(data[:budget - sent])
                    self._cut_pair(source, sink)
                    return
                sent += len(data)
                sink.sendall(data)
        _half_close(source, sink)

    def _through_link(self, size: int, rate: float) -> None:
        """Wait for `size` bytes' turn on the link: each takes the next slot of the one
        clock every connection shares, so parallel connections split the rate."""
        with self._lock:
            end = max(time.monotonic(), self._link_free_at) + size / rate
            self._link_free_at = end
        time.sleep(max(0.0, end - time.monotonic()))

    def _downstream(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                sink.sendall(data)
        _half_close(source, sink)

    def _cut_pair(self, *pair: socket.socket) -> None:
        with self._lock:
            self._open -= set(pair)
            self.cuts += 1
        _reset(*pair)


def _half_close(source: socket.socket, sink: socket.socket) -> None:
    """An end of stream passed on: the other direction may still have an answer to carry."""
    with suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
    with suppress(OSError):
        source.shutdown(socket.SHUT_RD)


def _reset(*sockets: socket.socket) -> None:
    for each in sockets:
        with suppress(OSError):
            each.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
        # A socket another thread is reading is only closed, and reset, once that read
        # returns: without waking it, a peer waiting for an answer would never hear of the
        # cut (a client until its read timeout, a server until its body timeout).
        with suppress(OSError):
            each.shutdown(socket.SHUT_RD)
        each.close()


@contextmanager
def relay(target_port: int, bytes_per_second: float | None = None,
          budget: Budget | None = None) -> Iterator[Relay]:
    running = Relay(target_port, bytes_per_second, budget)
    try:
        yield running
    finally:
        running.close()
