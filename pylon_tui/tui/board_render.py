"""How the board screen draws: frames from the view model into the columns, and the bars.

A mixin of BoardScreen, so the board module stays about the board's keys. `rebuild` is the
one way a data, filter or cursor change reaches the screen: the view model says which
columns changed and from which row, and only those repaint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pylon_tui.tui.load_state import LoadState
from pylon_tui.tui.widgets.bars import BoardHeader, StatusBar

if TYPE_CHECKING:
    from datetime import datetime

    from textual.screen import Screen

    from pylon_tui.domain import Board, TicketFilter
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows
    from pylon_tui.tui.link_facts import LinkFacts
    from pylon_tui.tui.view import BoardView, ColumnFrame
    from pylon_tui.tui.widgets.bars import ColumnTitle
    from pylon_tui.tui.widgets.column import ColumnView
    from pylon_tui.tui.widgets.query_input import BreachCache

    # Type checkers see the screen's own API; at run time BoardScreen brings the Screen.
    _ScreenAPI = Screen[None]
else:
    _ScreenAPI = object


class BoardRendering(_ScreenAPI):
    if TYPE_CHECKING:
        ctx: AppContext
        flows: Flows
        board: Board
        board_view: BoardView
        link_facts: LinkFacts
        outlook: BreachCache
        sync_text: str
        error: str | None
        _ready: bool
        _breach_due: bool
        _columns: list[ColumnView]
        _titles: list[ColumnTitle]

        @property
        def filter(self) -> TicketFilter: ...

        @property
        def marked(self) -> set[str]: ...

        def _show_current_panel(self) -> None: ...

        def _show_focus(self) -> None: ...

    def rebuild(self, *, follow: str | None = None, force: bool = False) -> None:
        """Bring the columns up to date after a data or filter change; focus follows `follow`.

        Only the columns the view model sends a frame for are touched, so a card move
        repaints two columns, not four (and a refresh with no news repaints none).
        `force` redraws everything without cached lines (names, link states, ages changed).
        """
        if not self._ready:
            return
        if self.link_facts.counts_changed():  # another card's "N waiting" changed too
            force = True
        if force:
            for column_view in self._columns:
                column_view.clear_cache()
        self.paint(self.board_view.frame(follow=follow, force=force))
        self.update_bars()

    def paint(self, frames: Iterable[ColumnFrame]) -> None:
        """Draw what the view model says changed, and nothing else."""
        switched = False
        for frame in frames:
            self._columns[frame.index].show(frame)
            shown = len(frame.tickets)
            if self.board.partial and not self.filter.active:
                shown = frame.total  # only the head is decoded; the column holds them all
            self._titles[frame.index].show(
                frame.title, frame.total, shown, frame.active, sort=frame.sort.arrow
            )
            switched = switched or frame.first_changed is not None or frame.active
        if switched:
            self._show_current_panel()
        self._show_focus()

    def update_bars(self) -> None:
        if not self._ready:
            return
        load = LoadState.of(self.ctx.service)  # until a load succeeds, nothing claims "empty"
        filtering = self.filter.active
        for index, column_view in enumerate(self._columns):
            hidden = filtering and bool(self.board.column(index))
            column_view.set_empty_text(load.empty_text(index == 0, filtered_out=hidden))
            self._titles[index].set_loaded(load.loaded)
        now = self.ctx.now()
        view = self.filter.view
        self.query_one(BoardHeader).show(
            self.board,
            now,
            self.ctx.sandbox,
            load,
            view=view.title if view is not None else "",
            breach=self._breach_text(now) if load.loaded else "",
            read_only=self.ctx.read_only,
        )
        self.query_one(StatusBar).show(
            sync=self.sync_text,
            error=self.error,
            hidden=self.board.hidden_count(),
            selected=len(self.marked),
            filter_text=self.filter.describe(),
            pending=self.ctx.service.waiting_count(),
            sandbox=self.ctx.sandbox,
            conflicts=self.flows.conflicts,
            sending=self.flows.sending_text(),
        )

    def _breach_text(self, now: datetime) -> str:
        """The header's SLA outlook. After the board changed it is worked out right after
        that frame (a pass over the changed columns' deadlines, every deadline at start), so
        the cards come first and the header's outlook follows one frame later. Until then it
        says what it said (nothing at start: it never claims "0 breached" unverified)."""
        outlook = self.outlook
        if outlook.current(self.board_view, now):
            return outlook.last
        if not self._breach_due:
            self._breach_due = True
            self.call_after_refresh(self._breach_caught_up)
        return outlook.last

    def _breach_caught_up(self) -> None:
        self._breach_due = False
        if self.is_attached:
            self.outlook.text(self.board_view, self.ctx.now())
            self.update_bars()

    def data_changed(self) -> None:
        if self.board_view.stale:
            self.rebuild()
        else:
            self.update_bars()

    def set_sync(self, text: str, error: str | None = None) -> None:
        self.sync_text = text
        self.error = error
        self.update_bars()
