"""Command palette (ctrl+p): every board action by name, plus move-to-column and filters."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.content import Content

from pylon_tui.domain import QuickFilter
from pylon_tui.domain.safe_text import one_line


class BoardCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from pylon_tui.tui.screens.board import BoardScreen

        screen = next((s for s in self.app.screen_stack if isinstance(s, BoardScreen)), None)
        if screen is None:
            return []
        commands: list[tuple[str, Callable[[], object], str]] = []
        for index, column in enumerate(screen.board.columns):
            commands.append(
                (
                    f"Move to {column.title}",
                    partial(_move, screen, index),
                    "move the selected card(s)",
                )
            )
        for quick in QuickFilter:
            commands.append(
                (
                    f"Filter: {quick.label}",
                    partial(_toggle, screen, quick),
                    "toggle a quick filter",
                )
            )
        simple = [
            ("Reply (acknowledge)", screen.action_reply, "r"),
            ("Internal note", screen.action_note, "n"),
            ("Assign…", screen.action_assign, "a"),
            ("Assign to me", screen.action_assign_me, "A"),
            ("Link a Linear issue", screen.action_link, "i"),
            ("Open detail", screen.action_open_detail, "enter"),
            ("Undo last move", screen.action_undo, "u"),
            ("Refresh now", screen.action_refresh, "R"),
            ("Copy Pylon link", screen.action_copy_link, "y"),
            ("Tickets in other states", screen.action_other_states, "o"),
            ("Help: all keys", screen.action_help, "?"),
        ]
        commands += [(name, fn, f"key {key}") for name, fn, key in simple]
        for name, priority in (
            ("Urgent", "urgent"),
            ("High", "high"),
            ("Medium", "medium"),
            ("Low", "low"),
            ("None", ""),
        ):
            commands.append(
                (f"Priority: {name}", partial(screen.action_priority, priority), "set priority")
            )
        return commands

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _display(matcher.highlight, name), callback, help=help_text)

    async def discover(self) -> Hits:
        from textual.command import DiscoveryHit

        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(one_line(name)), callback, help=help_text)


def _display(highlight: Callable[[str], Content], name: str) -> Content:
    """Textual's highlighter reads its input as markup: names from config (column titles)
    with brackets are shown literally, unhighlighted."""
    clean = one_line(name)
    return highlight(clean) if "[" not in clean else Content(clean)


def _move(screen: object, index: int) -> None:
    from pylon_tui.tui.screens.board import BoardScreen

    if isinstance(screen, BoardScreen):
        screen.move_to_column(screen.targets(), index)


def _toggle(screen: object, quick: QuickFilter) -> None:
    from pylon_tui.tui.screens.board import BoardScreen

    if isinstance(screen, BoardScreen):
        screen.filter = screen.filter.toggled(quick)
        screen.rebuild()
