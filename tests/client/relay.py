"""A TCP relay between the client and the server, for tests of an unreliable network: it
can slow the client's bytes down, cut every connection at once, and be pointed at another
server port (a restarted server)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

CHUNK = 16 * 1024


class Relay:
    def __init__(self, target_port: int, bytes_per_second: float | None = None) -> None:
        self.target_port = target_port
        self.bytes_per_second = bytes_per_second
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
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
        for each in sockets:
            with suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()

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
            threading.Thread(target=self._pipe, args=(incoming, outgoing, True),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(outgoing, incoming, False),
                             daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                if upstream and self.bytes_per_second:
                    time.sleep(len(data) / self.bytes_per_second)
                sink.sendall(data)
        for each in (source, sink):
            with suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)


@contextmanager
def relay(target_port: int, bytes_per_second: float | None = None) -> Iterator[Relay]:
    running = Relay(target_port, bytes_per_second)
    try:
        yield running
    finally:
        running.close()
