"""A TCP proxy on loopback that breaks connections mid-stream, as a flaky network does.

Each connection gets a byte budget from `budget()`; once the client has sent that many
bytes towards the server, both sides are reset (SO_LINGER 0, so the peers see a broken
connection, not a clean close). `None` lets a connection through whole."""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType

RESET = struct.pack("ii", 1, 0)


class DropProxy:
    def __init__(self, target_port: int, budget: Callable[[], int | None]) -> None:
        self._target = ("127.0.0.1", target_port)
        self._budget = budget
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.cuts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> DropProxy:
        self._start(self._accept_loop)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stopping.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def retarget(self, port: int) -> None:
        """Send new connections to another port (a restarted server)."""
        self._target = ("127.0.0.1", port)

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self._target, timeout=5)
            except OSError:
                _reset(client)
                continue
            self._start(self._pump, client, server, self._budget())

    def _pump(self, client: socket.socket, server: socket.socket, budget: int | None) -> None:
        """Forward both ways (an end of stream is passed on as a half-close) until both
        sides are done or the client's budget is spent."""
        sent = 0
        open_sides = 2
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, server)
            selector.register(server, selectors.EVENT_READ, client)
            while open_sides and not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.2):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    sink: socket.socket = key.data
                    try:
                        data = source.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        selector.unregister(source)
                        open_sides -= 1
                        with contextlib.suppress(OSError):
                            sink.shutdown(socket.SHUT_WR)
                        continue
                    if source is client and budget is not None:
                        if len(data) >= budget - sent:
                            _send(server, data[:max(budget - sent, 0)])
                            with self._lock:
                                self.cuts += 1
                            _reset(client)
                            _reset(server)
                            return
                        sent += len(data)
                    if not _send(sink, data):
                        open_sides = 0
                        break
        client.close()
        server.close()


def _send(sink: socket.socket, data: bytes) -> bool:
    try:
        sink.sendall(data)
    except OSError:
        return False
    return True


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
    sock.close()
