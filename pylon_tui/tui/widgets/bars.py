"""The header (counts, oldest waiting, inbox zero), the status bar (sync, errors, modes) and
the column titles.

All are plain-text widgets updated only when their content changes, so a cursor move
writes nothing to them.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from pylon_tui.domain import Board, Category
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age


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

    def show(self, board: Board, now: datetime, sandbox: bool) -> None:
        text = Text()
        text.append(" pylon-tui ", style="bold reverse")
        if sandbox:
            text.append(" SANDBOX ", style="bold black on yellow")
        text.append(" ")
        if board.inbox_zero():
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


class StatusBar(_Bar):
    DEFAULT_CSS = "StatusBar { height: 1; }"

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
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if sandbox:
            text.append(" sandbox ", style="reverse")
        if error:
            text.append(f" ⚠ {one_line(error)} ", style="bold red")
        else:
            text.append(f" {sync} ")
        if pending:
            text.append(f"· {pending} pending ", style="yellow")
        if filter_text:
            text.append(f"· filter: {one_line(filter_text)} ", style="bold cyan")
        if selected:
            text.append(f"· {selected} selected ", style="bold magenta")
        if hidden:
            text.append(f"· {hidden} in other states (o) ", style="dim")
        self.show_text(text)


class ColumnTitle(_Bar):
    """A column's name and count ("shown/total" while a filter hides some), reversed while
    the cursor is in it."""

    _shown_values: tuple[str, int, int, bool] | None = None

    def show(self, title: str, total: int, shown: int, active: bool) -> None:
        values = (title, total, shown, active)
        if values != self._shown_values:  # a cursor key builds no Text here
            self._shown_values = values
            self.show_text(column_title(title, total, shown, active))


def column_title(title: str, count: int, shown: int, active: bool) -> Text:
    numbers = f"{shown}" if shown == count else f"{shown}/{count}"
    label = f" {one_line(title)} {numbers}"
    return Text(label, style="bold reverse" if active else "bold", no_wrap=True)
