"""Metric 1: per-key latency of the real board, headless (`App.run_test(size=(120, 40))`)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from bench.common import loaded_fixture
from bench.keys import FrameClock, settle, timed_key
from pylon_tui.tui.screens.board import BoardScreen

SIZE = (120, 40)
FILTER_WORD = "acme"


@dataclass
class KeySamples:
    """Latency samples in ms per key kind; `first` = first frame, `last` = last frame."""

    first: dict[str, list[float]] = field(default_factory=dict)
    last: dict[str, list[float]] = field(default_factory=dict)
    pilot_wall: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    board_tickets: int = 0
    start_s: float = 0.0

    def add(self, kind: str, sample: tuple[float, float]) -> None:
        first, last = sample
        if math.isnan(first):
            self.failures[kind] = self.failures.get(kind, 0) + 1
            return
        self.first.setdefault(kind, []).append(first)
        self.last.setdefault(kind, []).append(last)


def _filter_keys() -> Iterator[str]:
    """Type the word, then delete it: every keystroke re-filters the whole board."""
    return cycle([*FILTER_WORD, *["backspace"] * len(FILTER_WORD)])


async def _focus_down(pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int) -> None:
    """j down the biggest column; k back up from its last card (every press moves focus)."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    column = max(range(len(screen.views)), key=lambda i: len(screen.views[i]))
    screen.cursor.focus(column, 0)
    screen.rebuild()
    await settle(pilot)
    length = len(screen.views[column])
    step = "j"
    for _ in range(presses):
        if screen.cursor.row >= length - 1:
            step = "k"
        elif screen.cursor.row <= 0:
            step = "j"
        out.add("focus_down", await timed_key(pilot, clock, step))


async def _focus_across(
    pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int
) -> None:
    for key in islice(cycle("lh"), presses):
        out.add("focus_across", await timed_key(pilot, clock, key))


async def _card_move(pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int) -> None:
    """L then H on a ticket in New: New <-> On You (no On Hold gate, no modal)."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    screen.cursor.focus(0, 0)
    screen.rebuild()
    await settle(pilot)
    ticket = screen.current_ticket()
    assert ticket is not None, "column New is empty"
    for index, key in enumerate(islice(cycle("LH"), presses)):
        out.add("card_move", await timed_key(pilot, clock, key))
        expected = 1 if index % 2 == 0 else 0
        if screen.board.column_index_of(ticket.id) != expected:
            out.failures["card_move"] = out.failures.get("card_move", 0) + 1


async def _filter(pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int) -> None:
    await pilot.press("slash")
    await settle(pilot)
    box = pilot.app.screen.query_one("#filter-input", Input)
    assert box.has_focus, "the / key did not focus the filter input"
    box.cursor_blink = False  # a blinking cursor would add unrelated frames
    for key in islice(_filter_keys(), presses):
        out.add("filter_keystroke", await timed_key(pilot, clock, key))
    await pilot.press("escape")
    await settle(pilot)


async def _open_detail(pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int) -> None:
    """enter on a card of the biggest column: the detail screen's first frame (its thread
    loads behind); escape closes it before the next press (not timed)."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    column = max(range(len(screen.views)), key=lambda i: len(screen.views[i]))
    board: object = screen
    for index in range(presses):
        screen.cursor.focus(column, index % 10)
        screen.rebuild()
        await settle(pilot)
        out.add("open_detail", await timed_key(pilot, clock, "enter"))
        if pilot.app.screen is board:
            out.failures["open_detail"] = out.failures.get("open_detail", 0) + 1
            continue
        await pilot.press("escape")
        await settle(pilot)


async def _hold_dialog(pilot: Pilot[Any], clock: FrameClock, out: KeySamples, presses: int) -> None:
    """L on an On You card with no linked issue: the On Hold gate's dialog, first frame;
    escape cancels it (nothing moves) before the next press (not timed)."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    on_you = screen.views[1]
    rows = [i for i, t in enumerate(on_you[:200]) if not t.has_tracking_link()]
    assert rows, "no On You card without a linked issue"
    board: object = screen
    for index in range(presses):
        screen.cursor.focus(1, rows[index % len(rows)])
        screen.rebuild()
        await settle(pilot)
        out.add("hold_dialog", await timed_key(pilot, clock, "L"))
        if pilot.app.screen is board:
            out.failures["hold_dialog"] = out.failures.get("hold_dialog", 0) + 1
            continue
        await pilot.press("escape")
        await settle(pilot)


async def _pilot_wall(pilot: Pilot[Any], out: KeySamples, presses: int) -> None:
    """What `await pilot.press(k); await pilot.pause()` costs: dominated by idle sleeps."""
    for key in islice(cycle("jk"), presses):
        start = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        out.pilot_wall.append((time.perf_counter() - start) * 1000)


async def run_headless(db_path: Path, presses: int, pilot_presses: int = 10) -> KeySamples:
    fixture = await loaded_fixture(db_path)
    out = KeySamples(board_tickets=len(fixture.service.board))
    app = fixture.app()
    clock = FrameClock()
    started = time.perf_counter()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            out.start_s = time.perf_counter() - started
            await _focus_down(pilot, clock, out, presses)
            await _focus_across(pilot, clock, out, presses)
            await _card_move(pilot, clock, out, presses)
            await _filter(pilot, clock, out, presses)
            await _open_detail(pilot, clock, out, max(1, presses // 4))
            await _hold_dialog(pilot, clock, out, max(1, presses // 4))
            await _pilot_wall(pilot, out, pilot_presses)
    finally:
        fixture.sandbox.close()
    return out
