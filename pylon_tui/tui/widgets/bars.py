"""The header (counts, oldest waiting, inbox zero), the status bar (sync, errors, modes) and
the column titles.

All are plain-text widgets updated only when their content changes, so a cursor move
writes nothing to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from pylon_tui.domain import Board, Category
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age
from pylon_tui.tui.catalog import keymap_of, keys_in_effect
from pylon_tui.tui.load_state import LoadState


class _Bar(Static):
    """A one-line bar that repaints only when its text changes: an unchanged full-width bar
    marked dirty widens Textual's repaint crop to the whole screen."""

    _shown_text: Text | None = None

    def show_text(self, text: Text) -> None:
        if text != self._shown_text:
            self._shown_text = text
            self.update(text, layout=False)


class BoardHeader(_Bar):
    DEFAULT_CSS = "BoardHeader { height: 1; }"

    def show(
        self,
        board: Board,
        now: datetime,
        sandbox: bool,
        load: LoadState,
        *,
        view: str = "",
        breach: str = "",
        read_only: bool = False,
    ) -> None:
        """`load` is required: "inbox zero" is a claim about Pylon, made only once a load has
        succeeded (an unreachable server leaves the board empty, not done). `view` names the
        active view, `breach` is the next SLA breach ("next breach 12m: #71")."""
        text = Text()
        text.append(" pylon-tui ", style="bold reverse")
        if sandbox:
            text.append(" SANDBOX ", style="bold black on yellow")
        if read_only:
            text.append(" READ-ONLY ", style="bold reverse")
        if view:
            text.append(f" view: {one_line(view)} ", style="bold underline")
        if breach:
            # Reversed, not red: a red on the header's panel fell under 4.5:1 in 16 colours
            # and truecolor (3.6 and 3.4, tests/e2e/test_layout_tmux.py).
            text.append(f" ⏱ {breach} ", style="bold reverse" if "breached" in breach else "bold")
        text.append(" ")
        not_loaded = load.header_text()
        if not_loaded is not None:
            text.append(not_loaded, style="bold yellow" if load.reason else "italic")
        elif board.inbox_zero():
            text.append("✓ inbox zero", style="bold green")
        else:
            waiting = []
            for index, column in enumerate(board.columns):
                category = board.router.category_of_column(index)
                if category not in (Category.NEW, Category.WAITING_ON_YOU):
                    continue
                oldest = board.oldest_waiting(index)
                if oldest is not None:
                    waiting.append(f"{one_line(column.title)} oldest {age(oldest, now)}")
            text.append(" · ".join(waiting), style="bold")
        self.show_text(text)


FIX_SEPARATOR = " — "
HEAD_FLOOR = 32
"""Cells the sync text or error keeps while any optional marker is still shown: what failed
is worth more than the markers, but not more than the count and the fix."""
HEAD_READABLE = 8
"""Below this many cells the error is shown as its icon alone."""
DROP_ORDER = ("hidden", "sandbox", "selected", "filter")
"""Optional markers, the first dropped first when the line is too long for the bar."""


Piece = tuple[str, str, str]
"""(name, text, style) of one part of the status line."""


def split_fix(error: str) -> tuple[str, str]:
    """An error reaches the bar as "what — fix" (the app joins an ApiError and its hint so,
    and a refusing cache prints so); the fix is what follows the last separator."""
    what, separator, fix = error.rpartition(FIX_SEPARATOR)
    return (what, fix) if separator and what and fix else (error, "")


class StatusBar(_Bar):
    """Sync state, errors and modes on one line, fitted to the bar's width by priority:
    the pending count and an error's fix always show. The error's own text is shortened
    first, then the other-states, sandbox, selection and filter markers are dropped, then the
    error shrinks to its icon; only then is the fix itself shortened."""

    DEFAULT_CSS = "StatusBar { height: 1; }"
    COMPONENT_CLASSES = {
        "status--error",
        "status--warning",
        "status--pending",
        "status--filter",
        "status--selected",
    }
    THEMED = {
        "bold red": "status--error",
        "bold yellow": "status--warning",
        "yellow": "status--pending",
        "bold cyan": "status--filter",
        "bold magenta": "status--selected",
    }
    """The pieces' colour names, drawn in the theme's colours: a bare ANSI colour is the
    terminal's (magenta on black is 4.5:1 in xterm, red 3.6:1) or Textual's stand-in."""

    _pieces: tuple[Piece, ...] = ()

    def show(
        self,
        *,
        sync: str,
        error: str | None,
        hidden: int,
        selected: int,
        filter_text: str,
        pending: int,
        sandbox: bool = False,
        conflicts: int = 0,
        sending: str = "",
    ) -> None:
        key = keys_in_effect("conflicts", keymap_of(self.app)).split(" ", 1)[0]
        self._pieces = status_pieces(
            sync=sync,
            error=error,
            hidden=hidden,
            selected=selected,
            filter_text=filter_text,
            pending=pending,
            sandbox=sandbox,
            conflicts=(conflicts, key),
            sending=sending,
        )
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self._pieces:
            width = self.size.width or self.app.size.width  # not laid out yet: the screen's
            themed = tuple(
                (name, text, self.THEMED.get(style, style)) for name, text, style in self._pieces
            )
            styles = {c: self.get_component_rich_style(c) for c in self.COMPONENT_CLASSES}
            self.show_text(fit_status(themed, width, styles))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shown_text = None
        self._fit()


def status_pieces(
    *,
    sync: str,
    error: str | None,
    hidden: int,
    selected: int,
    filter_text: str,
    pending: int,
    sandbox: bool,
    conflicts: tuple[int, str] = (0, ""),
    sending: str = "",
) -> tuple[Piece, ...]:
    """The status line's parts in display order, before fitting. `conflicts` is (how many
    wait for the user, the key that opens them): never dropped, like the pending count, as
    a conflict is never shown unasked."""
    pieces: list[Piece] = []
    if sandbox:
        pieces.append(("sandbox", " sandbox ", "reverse"))
    if error:
        what, fix = split_fix(one_line(error))
        pieces.append(("head", f" ⚠ {what} ", "bold red"))
        if fix:
            pieces.append(("fix", f"— {fix} ", "bold"))
    else:
        pieces.append(("head", f" {one_line(sync)} ", ""))
    count, key = conflicts
    if count:
        noun = "conflict" if count == 1 else "conflicts"
        pieces.append(("conflicts", f"· ⚑ {count} {noun} ({key}) ", "bold yellow"))
    if sending:  # undo send (issue 15): "reply to #23 sends in 7s (u takes it back)"
        pieces.append(("sending", f"· {one_line(sending)} ", "bold cyan"))
    if pending:
        pieces.append(("pending", f"· {pending} pending ", "yellow"))
    if filter_text:
        pieces.append(("filter", f"· filter: {one_line(filter_text)} ", "bold cyan"))
    if selected:
        pieces.append(("selected", f"· {selected} selected ", "bold magenta"))
    if hidden:
        pieces.append(("hidden", f"· {hidden} in other states (o) ", ""))
    return tuple(pieces)


def fit_status(
    pieces: Sequence[Piece], width: int, styles: Mapping[str, Style] | None = None
) -> Text:
    """The (name, text, style) pieces, in order, made to fit `width` cells (see StatusBar);
    a style named in `styles` is replaced by its value."""
    named = styles or {}
    texts = {name: Text(text, style=named.get(style, style)) for name, text, style in pieces}
    order = [name for name, _, _ in pieces]

    def others() -> int:
        return sum(t.cell_len for name, t in texts.items() if name != "head")

    head = texts["head"]
    floor = min(head.cell_len, HEAD_FLOOR)
    for name in DROP_ORDER:
        if others() + floor <= width:
            break
        texts.pop(name, None)
    room = width - others()
    if head.cell_len > room:
        if room < HEAD_READABLE:  # too little to read: the icon says there is an error
            icon = " ⚠ " if head.plain.startswith(" ⚠") else " "
            head = texts["head"] = Text(icon, style=head.style)
            if "fix" in texts:  # " ⚠ check the network…", not " ⚠ — check the network…"
                texts["fix"] = texts["fix"][len(FIX_SEPARATOR) - 1 :]
        else:
            _shorten(head, room)
    fix = texts.get("fix")
    if fix is not None and others() + head.cell_len > width:
        _shorten(fix, max(1, width - (others() - fix.cell_len) - head.cell_len))
    line = Text(no_wrap=True, overflow="ellipsis")
    for name in order:
        if name in texts:
            line.append_text(texts[name])
    return line


def _shorten(text: Text, cells: int) -> None:
    """Cut to `cells`, ending in "… " so the next piece stays apart."""
    text.rstrip()
    text.truncate(max(1, cells - 1), overflow="ellipsis")
    if cells > 1:
        text.append(" ")


class ColumnTitle(_Bar):
    """A column's name and count ("shown/total" while a filter hides some), reversed while
    the cursor is in it. Before the board has ever loaded, an empty column's count is "?":
    zero would be a claim about Pylon."""

    _shown_values: tuple[str, int, int, bool, str, bool] | None = None
    _values: tuple[str, int, int, bool, str] | None = None
    _loaded = True

    def show(self, title: str, total: int, shown: int, active: bool, *, sort: str = "") -> None:
        """`sort` is the column's order as shown after the count ("↑sla"); "" the default."""
        self._values = (title, total, shown, active, sort)
        self._draw()

    def set_loaded(self, loaded: bool) -> None:
        self._loaded = loaded
        self._draw()

    def _draw(self) -> None:
        if self._values is None:
            return
        values = (*self._values, self._loaded)
        if values != self._shown_values:  # a cursor key builds no Text here
            self._shown_values = values
            title, total, shown, active, sort = self._values
            self.show_text(column_title(title, total, shown, active, known=self._loaded, sort=sort))


def column_title(
    title: str, count: int, shown: int, active: bool, *, known: bool = True, sort: str = ""
) -> Text:
    if not known and count == 0:
        numbers = "?"
    else:
        numbers = f"{shown}" if shown == count else f"{shown}/{count}"
    label = f" {one_line(title)} {numbers}" + (f" {sort}" if sort else "")
    return Text(label, style="bold reverse" if active else "bold", no_wrap=True)


class ColumnTabs(_Bar):
    """The one-column layout's tabs: every column's name and count, the shown one reversed
    (`h`/`l` switch), so the columns out of sight are still counted."""

    DEFAULT_CSS = "ColumnTabs { height: 1; }"

    _tabs: tuple[Sequence[tuple[str, int]], int] | None = None

    def on_resize(self) -> None:
        if self._tabs is not None:
            self.show(*self._tabs)

    def show(self, tabs: Sequence[tuple[str, int]], current: int) -> None:
        self._tabs = (tabs, current)
        width = self.size.width or self.app.size.width
        full = sum(len(one_line(t)) + len(str(n)) + 4 for t, n in tabs) <= width
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (title, count) in enumerate(tabs):
            if index:
                text.append("│" if not full else " │")
            label = f" {one_line(title)} {count} " if full else f"{one_line(title)} {count}"
            text.append(label, style="bold reverse" if index == current else "")
        self.show_text(text)
