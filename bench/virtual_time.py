"""Virtual time for the soak: an asyncio loop whose clock jumps to the next timer."""

from __future__ import annotations

import asyncio
import selectors
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any


# ----- virtual time -----------------------------------------------------------------------
class _VirtualSelector(selectors.DefaultSelector):
    """When the loop would block waiting for a timer, jump the clock to it instead."""

    loop: VirtualLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        loop = self.loop
        if ready or timeout == 0 or loop is None:
            return ready
        if loop.threads_busy() or timeout is None:  # real work in a thread: wait for real
            wait = 0.002 if timeout is None else min(timeout, 0.002)
            result: list[tuple[selectors.SelectorKey, int]] = super().select(wait)
            return result
        loop.advance(timeout)
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        selector = _VirtualSelector()
        self._now = 0.0
        self._busy = 0
        self._busy_lock = threading.Lock()
        super().__init__(selector)
        selector.loop = self

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    def threads_busy(self) -> bool:
        return self._busy > 0

    def run_in_executor(  # type: ignore[override]
        self, executor: Any, func: Callable[..., Any], *args: Any
    ) -> Any:
        with self._busy_lock:
            self._busy += 1
        future = super().run_in_executor(executor, func, *args)

        def done(_: object) -> None:
            with self._busy_lock:
                self._busy -= 1

        future.add_done_callback(done)
        return future


class FakeClock:
    """Every clock the app reads, as views of the loop's virtual seconds."""

    def __init__(self, loop: VirtualLoop, epoch: datetime) -> None:
        self.loop = loop
        self.epoch = epoch

    def seconds(self) -> float:
        return self.loop.time()

    def wall(self) -> float:  # time.time() stand-in (stores, outboxes)
        return self.epoch.timestamp() + self.loop.time()

    def now(self) -> datetime:
        return self.epoch + timedelta(seconds=self.loop.time())
