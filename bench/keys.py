"""Precise key-to-frame timing for a Textual app under `App.run_test`.

`Pilot.press` and `Pilot.pause` each sleep in `wait_for_idle` (>= 20 ms per call, by design),
so their wall time measures Textual's idle detection, not the app. Instead this posts the same
`events.Key` the pilot would, records the moment every frame is composed (the screen's
`_compositor_refresh`, which renders the dirty lines), and waits until nothing is pending.
Latency = (that frame's timestamp) - (the moment the key was posted).
"""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from textual import constants, events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.screen import Screen

from pylon_tui.tui.flows import FLOW_GROUP

SETTLE_TIMEOUT = 10.0
POLL = 0.0005
QUIET_CHECKS = 3
NO_FRAME_GRACE = 0.1
# Textual paints from a 60 fps timer: a key arriving within one frame period of the previous
# frame waits for the next frame slot. Spacing keys a bit over one period apart (key-repeat
# cadence) keeps that leftover wait out of the figure; README explains.
KEY_GAP = 1 / constants.MAX_FPS + 0.002


def key_event(key: str) -> events.Key:
    """The Key event `Pilot.press(key)` would send."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


class FrameClock:
    """Timestamps every composed frame of whichever screen is on top: the Screen class's
    `_compositor_refresh` is wrapped once, so a screen a key opens (the detail, a dialog)
    is timed from its own first frame."""

    _installed: FrameClock | None = None

    def __init__(self) -> None:
        self.frames: list[float] = []
        FrameClock._install()
        FrameClock._installed = self

    @staticmethod
    def _install() -> None:
        if getattr(Screen._compositor_refresh, "_bench_timed", False):
            return
        original: Callable[[Screen[Any]], None] = Screen._compositor_refresh

        def timed(screen: Screen[Any]) -> None:
            original(screen)
            clock = FrameClock._installed
            if clock is not None and screen.is_current:
                clock.frames.append(time.perf_counter())

        timed._bench_timed = True  # type: ignore[attr-defined]
        Screen._compositor_refresh = timed  # type: ignore[method-assign,assignment]

    def watch(self, screen: Screen[Any]) -> None:
        """Kept for callers: every screen is timed already."""
        FrameClock._installed = self


def _busy(app: App[Any], *, deep: bool = False) -> bool:
    """Anything left to do: a queued message, a dirty region, a running worker.

    `deep` also checks every widget's queue (O(widgets), but only reads, sends nothing)."""
    screen = app.screen
    dirty = bool(
        screen._dirty_widgets
        or screen._layout_required
        or screen._repaint_required
        or screen._scroll_required
    )
    queued = not (app._message_queue.empty() and screen._message_queue.empty())
    if deep and not queued:
        queued = any(not w._message_queue.empty() for w in screen.walk_children())
    # A flow waiting on a dialog is waiting for a key, not working.
    workers = any(not w.is_finished for w in app.workers if w.group != FLOW_GROUP)
    return dirty or queued or workers


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no widget has a queued message, no worker runs and nothing is dirty."""
    app = pilot.app
    deadline = time.perf_counter() + SETTLE_TIMEOUT
    quiet = 0
    while quiet < QUIET_CHECKS:
        await asyncio.sleep(0.001)
        if _busy(app, deep=True):
            quiet = 0
            if time.perf_counter() > deadline:
                raise TimeoutError("app did not settle")
        else:
            quiet += 1


async def _await_frame(app: App[Any], clock: FrameClock) -> None:
    """Poll without touching the app (no extra messages) until a frame is out and all is idle.

    Gives up after NO_FRAME_GRACE of idleness without a frame (the key changed nothing)."""
    start = time.perf_counter()
    idle_since: float | None = None
    while True:
        await asyncio.sleep(POLL)
        now = time.perf_counter()
        if now - start > SETTLE_TIMEOUT:
            raise TimeoutError("no frame and never idle")
        if _busy(app):
            idle_since = None
            continue
        if clock.frames:
            return
        idle_since = idle_since or now
        if now - idle_since > NO_FRAME_GRACE:
            return


async def timed_key(pilot: Pilot[Any], clock: FrameClock, key: str) -> tuple[float, float]:
    """Post `key` and return (first frame, last frame) latency in ms (nan: no frame at all).

    Nothing else is sent to the app until the first frame is out and it is idle, so the
    figure is the app's own cost; a full `settle` (which does message the widgets) follows
    before the next key, and frames it triggers (e.g. a write worker's result) count as
    `last`."""
    app = pilot.app
    await asyncio.sleep(KEY_GAP)
    clock.watch(app.screen)
    clock.frames.clear()
    event = key_event(key)
    event.set_sender(app)
    driver = app._driver
    assert driver is not None
    start = time.perf_counter()
    driver.send_message(event)
    await _await_frame(app, clock)
    await settle(pilot)
    if not clock.frames:
        return float("nan"), float("nan")
    return (clock.frames[0] - start) * 1000, (clock.frames[-1] - start) * 1000
