"""The test network that breaks connections: what passes is forwarded intact, a connection
over its budget is cut, and a cut of everything breaks what is under way."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.client.relay import relay


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn, contextlib.suppress(OSError):  # a cut connection ends the echo
                while data := conn.recv(65536):
                    conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield int(server.getsockname()[1])
    server.close()


def _echo(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while data := conn.recv(65536):
            received += data
        return received


def test_an_unlimited_connection_is_forwarded_whole(echo_port: int) -> None:
    payload = bytes(range(256)) * 4096
    with relay(echo_port) as proxy:
        assert _echo(proxy.port, payload) == payload
        assert proxy.cuts == 0


def test_a_connection_over_its_budget_is_cut(echo_port: int) -> None:
    with relay(echo_port, budget=lambda: 1000) as proxy:
        try:
            received = len(_echo(proxy.port, bytes(1_000_000)))
        except OSError:
            received = -1
        assert received < 1_000_000
        assert proxy.cuts == 1


def test_a_cut_of_everything_breaks_what_is_under_way(echo_port: int) -> None:
    with relay(echo_port) as proxy, \
            socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as conn:
        conn.sendall(b"ping")
        assert conn.recv(4) == b"ping"
        proxy.cut()
        try:
            conn.sendall(b"more")
            received = conn.recv(4)
        except OSError:
            received = b""
        assert received == b""
