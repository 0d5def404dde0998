"""The board screen's view half: columns, the app-owned cursor, filtering and bars.

The view model (tui/view.py) owns the cursor, the marks, the filter and the filtered views,
and says what to redraw; the screen hands its frames to the widgets, which only draw.
Actions change the board through BoardService (optimistic, then a worker sends), so no key
waits on the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from pylon_tui.domain import BoardCursor, Ticket, TicketFilter
from pylon_tui.tui.catalog import Scope, bindings
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.load_state import LoadState
from pylon_tui.tui.safe import plain
from pylon_tui.tui.view import BoardView, ColumnFrame
from pylon_tui.tui.widgets.bars import BoardHeader, ColumnTitle, StatusBar
from pylon_tui.tui.widgets.column import ColumnView

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext


class BoardBase(WorkerBoundary, Screen[None]):
    BINDINGS = bindings(Scope.BOARD)
    AUTO_FOCUS = None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.board = ctx.service.board
        self.board_view = BoardView(
            self.board,
            now=ctx.now,
            me_id=lambda: ctx.service.me_id,
            directory=lambda: ctx.service.directory,
        )
        self.sync_text = "loading…"
        self.error: str | None = None
        self._ready = False
        self._columns: list[ColumnView] = []
        self._titles: list[ColumnTitle] = []

    # The view model's state, under the names actions, tests and the bench use.
    @property
    def cursor(self) -> BoardCursor:
        return self.board_view.cursor

    @property
    def marked(self) -> set[str]:
        return self.board_view.marked

    @property
    def filter(self) -> TicketFilter:
        return self.board_view.filter

    @filter.setter
    def filter(self, value: TicketFilter) -> None:
        self.board_view.filter = value

    @property
    def views(self) -> list[Sequence[Ticket]]:
        return self.board_view.views

    def compose(self) -> ComposeResult:
        yield BoardHeader(id="header")
        with Horizontal(id="columns"):
            for index, column in enumerate(self.board.columns):
                with Vertical(classes="column-panel", id=f"panel-{index}"):
                    yield ColumnTitle(
                        plain(column.title), classes="column-title", id=f"title-{index}"
                    )
                    yield ColumnView(
                        directory=lambda: self.ctx.service.directory,
                        now=self.ctx.now,
                        link_states=lambda: self.ctx.link_states,
                        empty_text="nothing here" if index else "nothing new",
                        id=f"column-{index}",
                    )
        yield Input(
            placeholder="filter: words match #, title, account, assignee, tags",
            id="filter-input",
            classes="hidden",
            disabled=True,
        )
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        count = len(self.views)
        self._columns = [self.query_one(f"#column-{i}", ColumnView) for i in range(count)]
        self._titles = [self.query_one(f"#title-{i}", ColumnTitle) for i in range(count)]
        for view in self._columns:
            view.marked = self.marked
        self._ready = True
        self.rebuild()

    def column_views(self) -> list[ColumnView]:
        return list(self._columns)

    def view(self, index: int) -> ColumnView:
        return self._columns[index]

    # ----- rendering -------------------------------------------------------------------
    def rebuild(self, *, follow: str | None = None, force: bool = False) -> None:
        """Bring the columns up to date after a data or filter change; focus follows `follow`.

        Only the columns the view model sends a frame for are touched, so a card move
        repaints two columns, not four (and a refresh with no news repaints none).
        `force` redraws everything without cached lines (names, link states, ages changed).
        """
        if not self._ready:
            return
        if force:
            for column_view in self._columns:
                column_view.clear_cache()
        self.paint(self.board_view.frame(follow=follow, force=force))
        self.update_bars()

    def paint(self, frames: Iterable[ColumnFrame]) -> None:
        """Draw what the view model says changed, and nothing else."""
        for frame in frames:
            self._columns[frame.index].show(frame)
            shown = len(frame.tickets)
            self._titles[frame.index].show(frame.title, frame.total, shown, frame.active)

    def update_bars(self) -> None:
        if not self._ready:
            return
        load = LoadState.of(self.ctx.service)  # until a load succeeds, nothing claims "empty"
        for index, column_view in enumerate(self._columns):
            column_view.set_empty_text(load.empty_text(first_column=index == 0))
            self._titles[index].set_loaded(load.loaded)
        self.query_one(BoardHeader).show(self.board, self.ctx.now(), self.ctx.sandbox, load)
        self.query_one(StatusBar).show(
            sync=self.sync_text,
            error=self.error,
            hidden=self.board.hidden_count(),
            selected=len(self.marked),
            filter_text=self.filter.describe(),
            pending=self.ctx.service.waiting_count(),
            sandbox=self.ctx.sandbox,
        )

    def data_changed(self) -> None:
        if self.board_view.stale:
            self.rebuild()
        else:
            self.update_bars()

    def set_sync(self, text: str, error: str | None = None) -> None:
        self.sync_text = text
        self.error = error
        self.update_bars()

    # ----- cursor ----------------------------------------------------------------------
    def current_ticket(self) -> Ticket | None:
        return self.board_view.current()

    def current_ticket_id(self) -> str | None:
        return self.board_view.current_id()

    def _move_row(self, delta: int) -> None:
        frame = self.board_view.move_row(delta)
        if frame is not None:
            self.paint([frame])

    def _move_column(self, delta: int) -> None:
        self.paint(self.board_view.move_column(delta))

    def action_cursor_down(self) -> None:
        self._move_row(1)

    def action_cursor_up(self) -> None:
        self._move_row(-1)

    def action_cursor_left(self) -> None:
        self._move_column(-1)

    def action_cursor_right(self) -> None:
        self._move_column(1)

    def action_cursor_top(self) -> None:
        self._move_row(-len(self.views[self.cursor.column]))

    def action_cursor_bottom(self) -> None:
        self._move_row(len(self.views[self.cursor.column]))

    def _page(self) -> int:
        return max(1, self.view(self.cursor.column).scrollable_content_region.height // 2)

    def action_page_down(self) -> None:
        self._move_row(self._page())

    def action_page_up(self) -> None:
        self._move_row(-self._page())

    # ----- filter input ----------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.disabled = False
        box.remove_class("hidden")
        box.value = self.filter.text
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter-input":
            self.filter = self.filter.with_text(event.value)
            self.rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter-input":
            self._close_filter()

    def _close_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.add_class("hidden")
        box.disabled = True
        self.set_focus(None)

    def on_key(self, event: object) -> None:
        from textual.events import Key

        if isinstance(event, Key) and event.key == "escape":
            box = self.query_one("#filter-input", Input)
            if box.has_focus:
                event.stop()
                box.value = ""
                self._close_filter()
