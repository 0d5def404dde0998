"""The board's layouts: one column, the board, wide with a detail pane, and too small.

A mixin of BoardScreen, so the board module stays about the board. The layout is picked from
the terminal's size (layout.py) and switched by classes on the screen, so the CSS does the work
and a resize within one layout changes nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Static

from pylon_tui.tui.layout import LayoutMode, layout_mode, shows_preview, too_small_text
from pylon_tui.tui.widgets.bars import ColumnTabs
from pylon_tui.tui.widgets.fields import ticket_fields
from pylon_tui.tui.widgets.preview import CardPreview

if TYPE_CHECKING:
    from textual.containers import Vertical
    from textual.screen import Screen

    from pylon_tui.domain import Board, BoardCursor
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.link_facts import LinkFacts
    from pylon_tui.tui.view import BoardView
    from pylon_tui.tui.widgets.column import ColumnView

    # Type checkers see the screen's own API (query_one, set_class, app...); at run time the
    # mixin is a plain class and BoardScreen brings the Screen.
    _ScreenAPI = Screen[None]
else:
    _ScreenAPI = object


class BoardLayout(_ScreenAPI):
    if TYPE_CHECKING:
        ctx: AppContext
        board: Board
        board_view: BoardView
        link_facts: LinkFacts
        layout_mode: LayoutMode
        pane_open: bool
        _ready: bool
        _columns: list[ColumnView]
        _panels: list[Vertical]
        _pane_key: tuple[object, ...] | None

        @property
        def cursor(self) -> BoardCursor: ...

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _apply_layout(self, *, force: bool = False) -> None:
        """Pick the layout for the terminal's size (layout.py); classes on the screen switch
        the CSS, so a resize within one layout changes nothing here."""
        width, height = self.app.size
        mode = self._layout_classes()
        changed = force or mode is not self.layout_mode
        self.layout_mode = mode
        if mode is LayoutMode.TOO_SMALL:
            self.query_one("#too-small", Static).update(too_small_text(width, height))
        if changed:
            for view in self._columns:
                view.set_more_fields(mode is LayoutMode.WIDE)
            self._show_current_panel()
        self._pane_key = None
        self._show_focus()

    def _layout_classes(self) -> LayoutMode:
        """The screen's layout classes for the terminal's size. Set once before the first
        mount too, so the stylesheet is applied once at start, not again for each class."""
        width, height = self.app.size
        mode = layout_mode(width, height)
        preview = shows_preview(mode, height, self.pane_open)
        for name in LayoutMode:
            self.set_class(mode is name, f"-{name.value}")
        self.set_class(not preview, "-no-preview")
        self.set_class(not (mode is LayoutMode.WIDE and self.pane_open), "-no-pane")
        return mode

    def _show_current_panel(self) -> None:
        """One column at a time: only the cursor's panel is displayed, and the tabs say
        which. Other layouts leave every panel's classes alone (a class change repaints)."""
        if self.layout_mode is not LayoutMode.SINGLE:
            return
        for index, panel in enumerate(self._panels):
            panel.set_class(index == self.cursor.column, "-current")
        tabs = [(c.title, self.board.column_total(i)) for i, c in enumerate(self.board.columns)]
        self.query_one(ColumnTabs).show(tabs, self.cursor.column)

    def _show_focus(self) -> None:
        """The focused card in full: in the preview strip, or in the wide layout's pane."""
        if not self._ready:
            return
        ticket = self.board_view.current()
        directory = self.ctx.service.directory
        now = self.ctx.now()
        if not self.has_class("-no-preview"):
            self.query_one(CardPreview).show(ticket, directory, now, self.ctx.link_states)
        if not self.has_class("-no-pane"):
            waiting = self.link_facts.waiting()
            hint = self.link_facts.hint_text(ticket) if ticket else ""
            minute = int(now.timestamp() // 60)
            key = (id(ticket), ticket, minute, id(directory), self.board.version, hint)
            if key != self._pane_key:
                self._pane_key = key
                text = (
                    ticket_fields(ticket, directory, self.ctx, waiting=waiting, hint=hint)
                    if ticket
                    else None
                )
                self.query_one("#pane", Static).update(text or "no card focused", layout=False)

    async def action_switch_theme(self) -> None:
        """The theme is the app's (every screen and dialog follows it)."""
        await self.app.run_action("app.switch_theme")

    def action_toggle_pane(self) -> None:
        self.pane_open = not self.pane_open
        self._apply_layout()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Too small to read: every key but help and quit waits (it would act unseen).
        BoardScreen lists this mixin before ReadOnlyGuard, so `super()` is the guard."""
        if self.layout_mode is LayoutMode.TOO_SMALL:
            return action in ("quit", "help")
        if action == "toggle_pane":
            return True if self.layout_mode is LayoutMode.WIDE else None
        return super().check_action(action, parameters)  # --read-only turns writes off
