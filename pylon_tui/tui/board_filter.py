"""The board's find keys: the typed filter (`/`), saved views (`v`, `1`-`9`) and sort (`s`).

A mixin of BoardScreen, so the board module stays about the board. The filter input applies
as the user types (the terms before a half-typed one already narrow the board); the view
model keeps the filter, the view and the sort, and the screen only redraws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Key
from textual.widgets import Input, Static

from pylon_tui.domain.query import EMPTY, Field, QueryError, parse
from pylon_tui.domain.query_hints import hint
from pylon_tui.tui.safe import plain
from pylon_tui.tui.widgets.query_input import field_candidates

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from pylon_tui.domain import Board, BoardCursor, TicketFilter, View
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows
    from pylon_tui.tui.view import BoardView, ColumnFrame

    # Type checkers see the screen's own API (query_one, set_focus, app...); at run time the
    # mixin is a plain class and BoardScreen brings the Screen.
    _ScreenAPI = Screen[None]
else:
    _ScreenAPI = object


class BoardFilter(_ScreenAPI):
    if TYPE_CHECKING:
        ctx: AppContext
        flows: Flows
        board: Board
        board_view: BoardView

        @property
        def cursor(self) -> BoardCursor: ...

        @property
        def filter(self) -> TicketFilter: ...

        @filter.setter
        def filter(self, value: TicketFilter) -> None: ...

        def current_ticket_id(self) -> str | None: ...

        def rebuild(self, *, follow: str | None = None, force: bool = False) -> None: ...

        def paint(self, frames: Iterable[ColumnFrame]) -> None: ...

        def refuse_write_key(self, event: Key) -> None: ...

    # ----- filter input ----------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.disabled = False
        box.remove_class("hidden")
        self.query_one("#filter-hint", Static).remove_class("hidden")
        box.value = self.filter.text
        box.focus()
        self._show_hint(box.value)

    def candidates(self, field: Field) -> list[str]:
        """Values the filter input completes for a field: what the board holds now."""
        return field_candidates(field, self.board.all(), self.ctx.service.directory)

    def _show_hint(self, text: str) -> None:
        self.query_one("#filter-hint", Static).update(plain(hint(text, self.candidates)))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter-input":
            self._show_hint(event.value)
            try:
                typed = parse(event.value)
            except QueryError as error:  # the hint says what is wrong; the terms before
                try:  # the bad one apply (while `priority:` is typed, not the word)
                    typed = parse(event.value[: error.start])
                except QueryError:
                    return
            self.filter = self.filter.with_text(event.value, typed)
            self.rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter-input":
            try:
                parse(event.value)
            except QueryError as error:
                self.app.bell()
                self.app.notify(error.message, title="Filter not applied", severity="warning")
                return
            self._close_filter()
            self.paint(self.board_view.focus_where_matches())  # never an empty column's cursor

    def _close_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.add_class("hidden")
        box.disabled = True
        self.query_one("#filter-hint", Static).add_class("hidden")
        self.set_focus(None)

    def on_key(self, event: Key) -> None:
        box = self.query_one("#filter-input", Input)
        if event.key == "escape" and box.has_focus:
            event.stop()
            box.value = ""
            self.filter = self.filter.with_text("", EMPTY)
            self._close_filter()
            self.rebuild()
        elif not box.has_focus:
            self.refuse_write_key(event)

    # ----- views and sort --------------------------------------------------------------
    def action_views(self) -> None:
        self.flows.start(self.flows.pick_view(self.filter.view), then=self._view_chosen)

    def _view_chosen(self, name: str | None) -> None:
        if name is None:
            return
        view = next((v for v in self.ctx.views if v.name == name), None)
        self.use_view(view)

    def action_view(self, number: int) -> None:
        views = self.ctx.views
        if not 1 <= number <= len(views):
            self.app.notify(
                f"No view {number}: there are {len(views)} (v lists them; add more as "
                "[views.NAME] in config.toml)",
                severity="warning",
            )
            return
        self.use_view(views[number - 1])

    def use_view(self, view: View | None) -> None:
        """Show `view` (None: all tickets); the typed filter stays on top of it."""
        if view is not None and not self.flows.view_usable(view):
            return
        self.board_view.use_view(view)
        self.rebuild()
        self.paint(self.board_view.focus_where_matches())

    def action_sort(self) -> None:
        order = self.board_view.cycle_sort()
        follow = self.current_ticket_id()
        self.rebuild(follow=follow)
        column = self.board.columns[self.cursor.column].title
        self.app.notify(f"{column}: {order.describe}", timeout=3)
