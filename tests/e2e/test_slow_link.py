"""The relay the SSH tests and bench put in front of sshd really is a slow link.

If it silently stopped delaying or throttling, the SSH tests would still pass while testing
nothing the issue asks for: these checks pin its latency, bandwidth and drop behaviour.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.slow_link import SlowLink


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1 (one thread per connection)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve_one(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_round_trip_is_the_configured_latency(echo_port: int) -> None:
    with (
        SlowLink(echo_port, rtt=0.1) as link,
        socket.create_connection(("127.0.0.1", link.port)) as sock,
    ):
        times = []
        for _ in range(3):
            started = time.monotonic()
            sock.sendall(b"k")
            assert receive(sock, 1) == b"k"
            times.append(time.monotonic() - started)
    # Each way 50 ms; a round trip of a key adds both (and a little scheduling).
    assert all(0.095 <= t < 0.2 for t in times), times


def test_bandwidth_is_capped(echo_port: int) -> None:
    payload = b"x" * 25_000  # 200 kbit: 0.2 s at 1 Mbit/s each way, pipelined
    with (
        SlowLink(echo_port, rtt=0.0, bits_per_second=1_000_000) as link,
        socket.create_connection(("127.0.0.1", link.port)) as sock,
    ):
        started = time.monotonic()
        sock.sendall(payload)
        assert receive(sock, len(payload)) == payload
        elapsed = time.monotonic() - started
    assert 0.19 <= elapsed < 1.0, elapsed
    assert link.stats.snapshot() == (len(payload), len(payload))


def test_drop_resets_open_connections_and_keeps_listening(echo_port: int) -> None:
    with SlowLink(echo_port, rtt=0.02) as link:
        sock = socket.create_connection(("127.0.0.1", link.port))
        sock.sendall(b"a")
        assert receive(sock, 1) == b"a"
        sock.sendall(b"lost in flight")
        assert link.drop() == 1
        sock.settimeout(5)
        try:
            leftover = sock.recv(100)
        except ConnectionResetError:
            leftover = b""
        assert leftover == b"", "bytes in flight must be lost, not delivered"
        sock.close()
        with socket.create_connection(("127.0.0.1", link.port)) as again:
            again.sendall(b"b")
            assert receive(again, 1) == b"b"
