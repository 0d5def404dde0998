"""Metric 2: the naive design, for a ratio: one Static widget per card in a VerticalScroll.

Same board data, same card text (two lines per card), same cursor semantics (j/k move the
highlight, the column scrolls to keep it in view) — only the widget structure differs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import cycle, islice
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from bench.common import loaded_fixture
from bench.keys import FrameClock, settle, timed_key
from pylon_tui.domain import Directory, Ticket
from pylon_tui.tui.widgets.cards import card_meta, card_title

SIZE = (120, 40)


class NaiveCard(Static):
    DEFAULT_CSS = """
    NaiveCard { height: 2; }
    NaiveCard.cursor { background: $accent; text-style: bold; }
    """


class NaiveBoard(App[None]):
    CSS = """
    Horizontal { height: 1fr; }
    VerticalScroll { width: 1fr; height: 1fr; }
    """
    BINDINGS = [
        Binding("j", "down", "Down"),
        Binding("k", "up", "Up"),
    ]

    def __init__(self, columns: Sequence[Sequence[Ticket]], directory: Directory) -> None:
        super().__init__()
        self.columns = columns
        self.directory = directory
        self.now = datetime.now(UTC)
        self.column = max(range(len(columns)), key=lambda i: len(columns[i]))
        self.row = 0

    def compose(self) -> ComposeResult:
        with Horizontal():
            for index, tickets in enumerate(self.columns):
                with VerticalScroll(id=f"naive-{index}"):
                    for ticket in tickets:
                        badge, title = card_title(ticket, False)
                        meta = card_meta(ticket, self.directory, self.now, {})
                        yield NaiveCard(f"{badge}{title}\n{meta}", markup=False)

    def on_mount(self) -> None:
        self._card(self.row).add_class("cursor")

    def _card(self, row: int) -> NaiveCard:
        scroll = self.query_one(f"#naive-{self.column}", VerticalScroll)
        card = scroll.children[row]
        assert isinstance(card, NaiveCard)
        return card

    def _move(self, delta: int) -> None:
        target = self.row + delta
        if not 0 <= target < len(self.columns[self.column]):
            return
        self._card(self.row).remove_class("cursor")
        self.row = target
        card = self._card(self.row)
        card.add_class("cursor")
        card.scroll_visible(animate=False, immediate=True)

    def action_down(self) -> None:
        self._move(1)

    def action_up(self) -> None:
        self._move(-1)


@dataclass
class NaiveResult:
    n: int
    board_tickets: int
    start_seconds: float
    focus: list[float] = field(default_factory=list)
    failures: int = 0


async def run_naive(db_path: Path, n: int, presses: int) -> NaiveResult:
    fixture = await loaded_fixture(db_path)
    board = fixture.service.board
    columns = [list(board.column(i)) for i in range(len(board.columns))]
    app = NaiveBoard(columns, fixture.service.directory)
    clock = FrameClock()
    started = time.perf_counter()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            result = NaiveResult(n, len(board), time.perf_counter() - started)
            length = len(columns[app.column])
            step = "j"
            for _ in islice(cycle([None]), presses):
                if app.row >= length - 1:
                    step = "k"
                elif app.row <= 0:
                    step = "j"
                first, _last = await timed_key(pilot, clock, step)
                if first != first:  # nan: no frame
                    result.failures += 1
                else:
                    result.focus.append(first)
    finally:
        fixture.sandbox.close()
    return result
