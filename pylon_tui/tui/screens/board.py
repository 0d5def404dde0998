"""The board: columns, the cursor, the bars, and every key that changes a ticket.

The view model (tui/view.py) owns the cursor, the marks, the filter and the filtered views,
and says what to redraw; the screen hands its frames to the widgets, which only draw.

Each triage key is a line or two over `Flows`. Paths without a dialog (move, priority,
assign me, undo) change the board and repaint in the same key press while the network work
runs behind; paths that ask first (pickers, compose, the On Hold gate) run as flows on the
app and the board repaints when they are done. The board names no other screen: it asks for
a ticket's detail with an `OpenTicket` message, which the app answers.

Mixins at tui/ level keep this module about the board: the find keys (board_filter.py), the
layouts (board_layout.py) and the triage tools (board_tools.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Static

from pylon_tui.domain import BoardCursor, Priority, Ticket, TicketFilter
from pylon_tui.domain.query import EMPTY
from pylon_tui.tui.board_filter import BoardFilter
from pylon_tui.tui.board_layout import BoardLayout
from pylon_tui.tui.board_render import BoardRendering
from pylon_tui.tui.board_tools import BoardTools
from pylon_tui.tui.catalog import Scope, bindings, keymap_of
from pylon_tui.tui.catalog.guard import ReadOnlyGuard
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.layout import LayoutMode
from pylon_tui.tui.link_facts import LinkFacts
from pylon_tui.tui.messages import OpenTicket, RefreshRequested, TicketsChanged
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.safe import plain
from pylon_tui.tui.view import BoardView
from pylon_tui.tui.widgets.bars import BoardHeader, ColumnTabs, ColumnTitle, StatusBar
from pylon_tui.tui.widgets.column import ColumnView
from pylon_tui.tui.widgets.preview import CardPreview
from pylon_tui.tui.widgets.query_input import BreachCache, QuerySuggester

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows


class BoardScreen(
    BoardRendering, BoardTools, BoardFilter, BoardLayout, WorkerBoundary, ReadOnlyGuard
):
    """The mixins come before ReadOnlyGuard, the Screen: BoardLayout.check_action overrides
    the guard's and hands the rest to it."""

    BINDINGS = bindings(Scope.BOARD)
    AUTO_FOCUS = None

    def __init__(self, ctx: AppContext, flows: Flows) -> None:
        super().__init__()
        self.ctx = ctx
        self.flows = flows
        self.board = ctx.service.board
        self.board_view = BoardView(
            self.board,
            now=ctx.now,
            me_id=lambda: ctx.service.me_id,
            directory=lambda: ctx.service.directory,
            sla=ctx.sla,
            link_closed=ctx.link_closed,
        )
        self.outlook = BreachCache(ctx.sla)
        self.sync_text = "loading…"
        self.error: str | None = None
        self._ready = False
        self._columns: list[ColumnView] = []
        self._titles: list[ColumnTitle] = []
        watcher = ctx.watcher
        self.link_facts = LinkFacts(self.board, lambda: watcher.live if watcher is not None else {})
        """Issue 15: "ENG-13 · 4 waiting" and "like #23 (ENG-12)" on cards."""
        self._panels: list[Vertical] = []
        self.layout_mode = LayoutMode.BOARD
        self.pane_open = True
        """The wide layout's detail pane (`p` hides and shows it)."""
        self._pane_key: tuple[object, ...] | None = None
        self._breach_due = False
        self.install_custom_actions()

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
        self._layout_classes()
        yield BoardHeader(id="header")
        yield ColumnTabs(id="tabs")
        yield Static(id="too-small")
        with Horizontal(id="body"):
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
                            sla=self.ctx.sla,
                            waiting=self.link_facts.waiting,
                            hint=self.link_facts.hint,
                        )
            yield Static(id="pane")
        preview = CardPreview(id="preview")
        preview.sla = self.ctx.sla
        preview.waiting = self.link_facts.waiting
        preview.hint = self.link_facts.hint
        yield preview
        yield Input(
            placeholder="filter: words, or assignee:me priority:urgent,high tag:x -tag:y sla:<2h",
            id="filter-input",
            classes="hidden",
            disabled=True,
            suggester=QuerySuggester(self.candidates),
        )
        yield Static("", id="filter-hint", classes="hidden")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        count = len(self.views)
        self._columns = [self.query_one(f"#column-{i}", ColumnView) for i in range(count)]
        self._titles = [self.query_one(f"#title-{i}", ColumnTitle) for i in range(count)]
        self._panels = [self.query_one(f"#panel-{i}", Vertical) for i in range(count)]
        for view in self._columns:
            view.marked = self.marked
        self._ready = True
        self._apply_layout(force=True)
        self.rebuild()

    def column_views(self) -> list[ColumnView]:
        return list(self._columns)

    def view(self, index: int) -> ColumnView:
        return self._columns[index]

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

    @property
    def read_only(self) -> bool:
        return self.ctx.read_only

    # ----- triage ----------------------------------------------------------------------
    def targets(self) -> list[Ticket]:
        if self.marked:
            return [t for tid in self.marked if (t := self.board.get(tid)) is not None]
        ticket = self.current_ticket()
        return [ticket] if ticket else []

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        if message.follow is not None:
            self.rebuild(follow=message.follow)
        else:
            self.data_changed()

    # ----- moves -----------------------------------------------------------------------
    def move_to_column(self, tickets: list[Ticket], column: int) -> None:
        self._moved(self.flows.move_to_column(tickets, column))

    def _moved(self, moved: list[str] | None) -> None:
        """Focus follows the last card moved, and a bulk selection is spent (None: the
        user cancelled, the selection stays)."""
        if moved is None:
            return
        if moved:
            self.rebuild(follow=moved[-1])
        self._clear_marks()

    def _clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.rebuild()

    def _move_by(self, delta: int) -> None:
        count = len(self.board.columns)

        def column_for(ticket: Ticket) -> int | None:
            current = self.board.column_index_of(ticket.id)
            if current is None or not 0 <= current + delta < count:
                return None
            return current + delta

        self._moved(self.flows.move(self.targets(), column_for))

    def action_move_right(self) -> None:
        self._move_by(1)

    def action_move_left(self) -> None:
        self._move_by(-1)

    def action_move_to(self) -> None:
        tickets = self.targets()
        if tickets:
            self.flows.start(self.flows.move_to(tickets), then=self._moved)

    def action_undo(self) -> None:
        moved = self.flows.undo()
        if moved:
            self.rebuild(follow=moved[-1])

    # ----- fields ----------------------------------------------------------------------
    def action_priority(self, value: str) -> None:
        if self.flows.set_priority(self.targets(), Priority.parse(value)):
            self.rebuild()
        self._clear_marks()

    def action_assign(self) -> None:
        tickets = self.targets()
        if tickets:
            self.flows.start(self.flows.assign(tickets), then=self._assigned)

    def _assigned(self, chosen: bool) -> None:
        if chosen:
            self.rebuild()
            self._clear_marks()

    def action_assign_me(self) -> None:
        if self.flows.assign_me(self.targets()):
            self.rebuild()
            self._clear_marks()

    def action_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.hold(ticket, then_move_to=None))

    # ----- messages --------------------------------------------------------------------
    def action_reply(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.reply(ticket))

    def action_note(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.note(ticket))

    # ----- linked issues (issue 15) ---------------------------------------------------
    def action_group_by_issue(self) -> None:
        self.flows.start(self.flows.grouped(self.link_facts))

    def action_ready_to_tell(self) -> None:
        self.flows.start(self.flows.ready_to_tell(), then=lambda _: self.rebuild())

    def action_link_like(self) -> None:
        ticket = self.current_ticket()
        if ticket is None:
            return
        hint = self.link_facts.hint(ticket)
        if hint is None:
            self.notify(f"#{ticket.number} looks like no On Hold ticket", severity="warning")
            return
        if self.flows.link_like(ticket, hint):
            self.rebuild(follow=ticket.id)

    # ----- selection -------------------------------------------------------------------
    def action_toggle_select(self) -> None:
        frame = self.board_view.toggle_current_mark()
        if frame is None:
            return
        self.paint([frame])
        self._move_row(1)
        self.update_bars()

    def action_clear(self) -> None:
        if self.marked:
            self.marked.clear()
            self.rebuild()
        elif self.filter.typed.parts or self.filter.text:
            self.filter = self.filter.with_text("", EMPTY)
            self.rebuild()
        elif self.filter.view is not None:
            self.use_view(None)

    def action_other_states(self) -> None:
        self.flows.start(self.flows.pick_hidden(), then=self._open)

    def _open(self, ticket_id: str | None) -> None:
        if ticket_id:
            self.post_message(OpenTicket(ticket_id))

    # ----- misc ------------------------------------------------------------------------
    def action_open_detail(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.post_message(OpenTicket(ticket.id))

    def action_copy_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.copy_link(ticket)

    def action_refresh(self) -> None:
        self.post_message(RefreshRequested())

    def action_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                dict(keymap_of(self.app)), read_only=self.ctx.read_only, custom=self.custom_help()
            )
        )

    def action_conflicts(self) -> None:
        self.flows.resolve_conflicts()

    async def action_quit(self) -> None:
        """Writes in flight get a bounded wait; whatever is left is saved and said so."""
        await self.flows.finish_writes()
        left = self.ctx.service.pending_count()
        message = (
            f"{left} change(s) not sent yet: they are saved and will be sent the next time "
            "pylon-tui starts."
            if left
            else None
        )
        self.app.exit(message=message)
