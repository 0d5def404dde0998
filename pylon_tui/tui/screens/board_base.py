"""The board screen's view half: columns, the app-owned cursor, filtering and bars.

The screen owns the cursor and the filtered views; ColumnView widgets only draw. Actions
change the board through BoardService (optimistic, then a worker sends), so no key waits on
the network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from pylon_tui.domain import BoardCursor, Ticket, TicketFilter
from pylon_tui.domain.filters import searchable_text
from pylon_tui.tui.catalog import Scope, bindings
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.safe import plain
from pylon_tui.tui.widgets.bars import BoardHeader, StatusBar, column_title
from pylon_tui.tui.widgets.column import ColumnView

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext


class ViewKey(NamedTuple):
    """What a column's visible list was computed from; equal keys mean an equal list."""

    column_version: int
    filter: TicketFilter
    me_id: str | None
    content_version: int | None  # only for filtered views, which copy ticket objects

    def narrows(self, previous: ViewKey) -> bool:
        """Same column, same quick filters, and the text only grew: every new match is an
        old match, so the previous (filtered) list is enough to filter again."""
        old, new = previous.filter, self.filter
        return (
            previous.column_version == self.column_version
            and previous.content_version == self.content_version
            and previous.me_id == self.me_id
            and old.active
            and old.quick == new.quick
            and new.text.lower().startswith(old.text.lower())
        )


class PaintKey(NamedTuple):
    """What a column was last painted from; an equal key means nothing to repaint."""

    view: ViewKey | None
    cursor_row: int
    active: bool
    marks: frozenset[str]


class BoardBase(WorkerBoundary, Screen[None]):
    BINDINGS = bindings(Scope.BOARD)
    AUTO_FOCUS = None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.board = ctx.service.board
        self.cursor = BoardCursor(len(self.board.columns))
        self.filter = TicketFilter()
        self.views: list[Sequence[Ticket]] = [() for _ in self.board.columns]
        self.marked: set[str] = set()
        self.undo_stack: list[list[tuple[str, str]]] = []
        """One entry per user action; a bulk move is one entry, undone as a whole."""
        self._undo_group: list[tuple[str, str]] | None = None
        self.sync_text = "loading…"
        self.error: str | None = None
        self._seen_version = -1
        self._ready = False
        self._focus_id: str | None = None
        """The focused ticket, remembered by id: views alias the board's live lists, so after
        a change the row under the cursor may already hold another ticket."""
        self._hay: dict[str, tuple[Ticket, str]] = {}
        """Lower-cased searchable text per ticket (tickets are immutable: identity = fresh)."""
        self._hay_directory: object = None
        self._view_keys: list[ViewKey | None] = [None] * len(self.views)
        self._paint_keys: list[PaintKey | None] = [None] * len(self.views)

    def compose(self) -> ComposeResult:
        yield BoardHeader(id="header")
        with Horizontal(id="columns"):
            for index, column in enumerate(self.board.columns):
                with Vertical(classes="column-panel", id=f"panel-{index}"):
                    yield Static(plain(column.title), classes="column-title", id=f"title-{index}")
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
        self._ready = True
        for view in self.column_views():
            view.marked = self.marked
        self.rebuild()

    def column_views(self) -> list[ColumnView]:
        return [self.query_one(f"#column-{i}", ColumnView) for i in range(len(self.views))]

    def view(self, index: int) -> ColumnView:
        return self.query_one(f"#column-{index}", ColumnView)

    # ----- rendering -------------------------------------------------------------------
    def rebuild(self, *, follow: str | None = None, force: bool = False) -> None:
        """Recompute what changed after a data or filter change; focus follows `follow`.

        Columns whose contents, filter, cursor and marks are unchanged are not touched, so a
        card move repaints two columns, not four (and a refresh with no news repaints none).
        """
        if not self._ready:
            return
        follow = follow or self._focus_id
        if force:
            self._view_keys = [None] * len(self.views)
            self._paint_keys = [None] * len(self.views)
            for column_view in self.column_views():
                column_view.clear_cache()
        me_id = self.ctx.service.me_id
        predicate = self._predicate()
        touched: list[set[int]] = []
        for index in range(len(self.views)):
            # A filtered view is a copy holding ticket objects: in-place changes refilter it.
            content = self.board.content_version(index) if predicate else None
            view_key = ViewKey(self.board.column_version(index), self.filter, me_id, content)
            touched.append(self.board.take_touched(index))
            previous = self._view_keys[index]
            if view_key != previous:
                items: Sequence[Ticket] = self.board.column(index)
                if predicate and previous is not None and view_key.narrows(previous):
                    items = self.views[index]  # typing more only removes matches
                self.views[index] = [t for t in items if predicate(t)] if predicate else items
                self._view_keys[index] = view_key
        if follow is not None:
            self._focus_ticket(follow)
        self.cursor.clamp([len(v) for v in self.views])
        counts = self.board.counts()
        for index, view in enumerate(self.column_views()):
            active = index == self.cursor.column
            paint_key = self._paint_key(index)
            previous_paint = self._paint_keys[index]
            if paint_key == previous_paint:
                for row in touched[index]:
                    view.refresh_card(row)  # replaced in place: same rows, new content
                continue
            from_row = self.board.take_dirty_from(index) if predicate is None else 0
            if previous_paint is None or paint_key.view == previous_paint.view:
                from_row = 0  # first paint, or only cursor/marks changed: repaint it all
            self._paint_keys[index] = paint_key
            view.active = active
            view.set_tickets(self.views[index], self.cursor.rows[index], from_row)
            title = column_title(
                self.board.columns[index].title, counts[index], len(self.views[index]), active
            )
            self.query_one(f"#title-{index}", Static).update(title, layout=False)
        self._seen_version = self.board.version
        self._focus_id = self.current_ticket_id()
        self.update_bars()

    def _paint_key(self, index: int) -> PaintKey:
        return PaintKey(
            self._view_keys[index],
            self.cursor.rows[index],
            index == self.cursor.column,
            frozenset(self.marked),
        )

    def _mark_painted(self, index: int) -> None:
        """A targeted repaint (cursor, active column) brought the view up to date."""
        self._paint_keys[index] = self._paint_key(index)

    def _predicate(self) -> Callable[[Ticket], bool] | None:
        if not self.filter.active:
            return None
        directory = self.ctx.service.directory
        if directory is not self._hay_directory:
            self._hay.clear()  # names changed: cached texts may be stale
            self._hay_directory = directory

        def names(t: Ticket) -> str:
            return f"{directory.account_name(t.account_id)} {directory.user_name(t.assignee_id)}"

        def haystack(t: Ticket) -> str:
            hit = self._hay.get(t.id)
            if hit is not None and hit[0] is t:
                return hit[1]
            text = searchable_text(t, names)
            self._hay[t.id] = (t, text)
            return text

        return self.filter.predicate(
            now=self.ctx.now(), me_id=self.ctx.service.me_id, names=names, haystack=haystack
        )

    def _focus_ticket(self, ticket_id: str) -> None:
        column = self.board.column_index_of(ticket_id)
        if column is None:
            return
        try:
            row = next(i for i, t in enumerate(self.views[column]) if t.id == ticket_id)
        except StopIteration:
            return
        self.cursor.focus(column, row)

    def update_bars(self) -> None:
        if not self._ready:
            return
        self.query_one(BoardHeader).show(self.board, self.ctx.now(), self.ctx.sandbox)
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
        if self.board.version != self._seen_version:
            self.rebuild()
        else:
            self.update_bars()

    def set_sync(self, text: str, error: str | None = None) -> None:
        self.sync_text = text
        self.error = error
        self.update_bars()

    # ----- cursor ----------------------------------------------------------------------
    def current_ticket(self) -> Ticket | None:
        items = self.views[self.cursor.column]
        row = self.cursor.row
        return items[row] if 0 <= row < len(items) else None

    def current_ticket_id(self) -> str | None:
        ticket = self.current_ticket()
        return ticket.id if ticket else None

    def _move_row(self, delta: int) -> None:
        length = len(self.views[self.cursor.column])
        if self.cursor.move_row(delta, length):
            self.view(self.cursor.column).set_cursor(self.cursor.row)
            self._mark_painted(self.cursor.column)
        self._focus_id = self.current_ticket_id()

    def _move_column(self, delta: int) -> None:
        old = self.cursor.column
        if self.cursor.move_column(delta):
            self._focus_id = self.current_ticket_id()
            self.view(old).set_active(False)
            self.view(self.cursor.column).set_active(True)
            counts = self.board.counts()
            for index in (old, self.cursor.column):
                title = column_title(
                    self.board.columns[index].title,
                    counts[index],
                    len(self.views[index]),
                    index == self.cursor.column,
                )
                self.query_one(f"#title-{index}", Static).update(title, layout=False)
                self._mark_painted(index)

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
