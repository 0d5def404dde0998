"""A TCP relay on 127.0.0.1 that behaves like a slow remote link: latency, bandwidth, drops.

The SSH end-to-end tests (tests/e2e/test_ssh_tmux.py) and the SSH latency bench
(bench/ssh_latency.py) put it between ``ssh`` and a throwaway ``sshd``, so pylon-tui is driven
the way its users drive it: through a link where every key costs a round trip and every
redraw costs transmission time. A loopback connection has neither, and hides both.

Model, per connection and per direction: a chunk read from one side occupies the link for
``len * 8 / bits_per_second`` seconds after the link's previous chunk (serialisation: a
1 Mbit/s link carries 125 bytes a millisecond, one after another), then arrives
``rtt / 2`` later (propagation). Chunks are read at most one Ethernet payload at a time, so a
long redraw streams in as it would, instead of landing all at once after a long pause.

``drop()`` kills every open connection the way a dead Wi-Fi or a closed laptop lid does: bytes
still in flight are lost, both ends see the connection reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

SEGMENT = 1460  # bytes read at a time: one TCP segment on Ethernet


@dataclass
class LinkStats:
    """Bytes delivered by the relay, per direction (``up``: client to server)."""

    up: int = 0
    down: int = 0

    def snapshot(self) -> tuple[int, int]:
        return self.up, self.down


@dataclass(eq=False)  # identity: a set of live connections
class _Connection:
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


class SlowLink:
    """Relay ``127.0.0.1:<port>`` to ``target_host:target_port`` through a shaped link.

    The relay runs its own asyncio loop in a daemon thread, so a synchronous test (tmux,
    subprocess) or bench can use it; ``start`` returns the port to connect to. ``on_down`` is
    called (in the relay's thread) with the number of bytes each time the relay delivers
    server-to-client bytes, for callers that timestamp what reaches the client.
    """

    def __init__(
        self,
        target_port: int,
        *,
        rtt: float = 0.100,
        bits_per_second: float = 1_000_000,
        target_host: str = "127.0.0.1",
        on_down: Callable[[int], None] | None = None,
    ) -> None:
        self.target = (target_host, target_port)
        self.one_way = rtt / 2
        self.bits_per_second = bits_per_second
        self.stats = LinkStats()
        self.on_down = on_down
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self.accepted = 0

    # ----- control (from any thread) -----------------------------------------------------

    def start(self) -> int:
        self._thread.start()
        self.port = self._call(self._listen())
        return self.port

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._close_all(close_server=True))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def drop(self) -> int:
        """Reset every open connection now, losing what is in flight; returns how many.
        The relay keeps listening, so a new connection (a reconnect) goes through."""
        return self._call(self._close_all(close_server=False))

    def open_connections(self) -> int:
        return len(self._connections)

    def __enter__(self) -> SlowLink:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=10)

    # ----- the relay (in the loop's thread) ----------------------------------------------

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _close_all(self, *, close_server: bool) -> int:
        if close_server and self._server is not None:
            self._server.close()
        dropped = list(self._connections)
        for connection in dropped:
            for writer in connection.writers:
                writer.transport.abort()  # RST: nothing more goes either way
            for task in connection.tasks:
                task.cancel()
        for connection in dropped:
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        self._connections.clear()
        return len(dropped)

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        connection = _Connection(writers=[client_w, server_w])
        self._connections.add(connection)
        connection.tasks = [
            asyncio.create_task(self._direction(client_r, server_w, down=False)),
            asyncio.create_task(self._direction(server_r, client_w, down=True)),
        ]
        await asyncio.gather(*connection.tasks, return_exceptions=True)
        for writer in connection.writers:
            writer.transport.abort()
        self._connections.discard(connection)

    async def _direction(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, down: bool
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        link_free_at = loop.time()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                due, chunk = item
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(chunk)
                await writer.drain()
                if down:
                    self.stats.down += len(chunk)
                    if self.on_down is not None:
                        self.on_down(len(chunk))
                else:
                    self.stats.up += len(chunk)
            with contextlib.suppress(OSError):
                writer.write_eof()  # the sender closed its side: pass the close on, late too

        delivering = asyncio.create_task(deliver())
        try:
            while chunk := await reader.read(SEGMENT):
                sent_at = max(loop.time(), link_free_at)
                link_free_at = sent_at + len(chunk) * 8 / self.bits_per_second
                queue.put_nowait((link_free_at + self.one_way, chunk))
            queue.put_nowait(None)
            await delivering
        finally:
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await delivering
