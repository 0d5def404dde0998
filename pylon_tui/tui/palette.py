"""Command palette (ctrl+p): every board action by name with the keys in effect, plus
move-to-column and the views. Under --read-only a write is listed, labelled off, and says
why when chosen.

The actions come from the catalogue and run by their action string on the board screen, so
the palette names no screen class and a `[keys]` remap shows here as soon as it applies.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from pylon_tui.domain import Board, Ticket, TicketFilter, View
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import (
    keymap_of,
    keys_in_effect,
    palette_specs,
    read_only_refusal,
    writes,
)
from pylon_tui.tui.context import AppContext
from pylon_tui.tui.safe import plain_markup

Command = tuple[str, Callable[[], object], str]


@runtime_checkable
class BoardTarget(Protocol):
    """What the palette needs of the board screen, named here rather than imported."""

    board: Board
    filter: TicketFilter
    ctx: AppContext

    def use_view(self, view: View | None) -> None: ...

    def targets(self) -> list[Ticket]: ...

    def move_to_column(self, tickets: list[Ticket], column: int) -> None: ...

    def rebuild(self, *, follow: str | None = None, force: bool = False) -> None: ...

    async def run_action(self, action: str) -> None: ...

    def custom_commands(self) -> list[tuple[str, Callable[[], object], str, bool]]: ...


class BoardCommands(Provider):
    def _commands(self) -> list[Command]:
        screen = next((s for s in self.app.screen_stack if isinstance(s, BoardTarget)), None)
        if screen is None:
            return []
        commands: list[Command] = [
            (f"Move to {column.title}", partial(_move, screen, index), "move the selected card(s)")
            for index, column in enumerate(screen.board.columns)
        ]
        read_only = screen.ctx.read_only
        if read_only:
            commands = [(n, partial(self._refuse, n), "off: read-only") for n, _, _ in commands]
        commands += [
            (f"View: {view.title}", partial(screen.use_view, view), "show this saved view")
            for view in screen.ctx.views
        ]
        commands.append(("View: All tickets", partial(screen.use_view, None), "no view"))
        keymap = keymap_of(self.app)
        for spec in palette_specs():
            assert spec.palette is not None
            keys = plain_markup(f"key {keys_in_effect(spec.id, keymap)}")
            if read_only and writes(spec.id):
                refuse = partial(self._refuse, spec.palette)
                commands.append((spec.palette, refuse, plain_markup("off: read-only")))
            else:
                commands.append((spec.palette, partial(screen.run_action, spec.action), keys))
        for name, run, help_text, writes_too in screen.custom_commands():
            if read_only and writes_too:  # `writes = false` (look-only) stays on
                refuse = partial(self._refuse, name)
                commands.append((name, refuse, plain_markup("off: read-only")))
            else:
                commands.append((name, run, plain_markup(help_text)))
        return commands

    def _refuse(self, what: str) -> None:
        self.app.notify(read_only_refusal(what), severity="warning")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _display(matcher.highlight, name), callback, help=help_text)

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(one_line(name)), callback, help=help_text)


def _display(highlight: Callable[[str], Content], name: str) -> Content:
    """Textual's highlighter reads its input as markup: names from config (column titles)
    with brackets are shown literally, unhighlighted."""
    clean = one_line(name)
    return highlight(clean) if "[" not in clean else Content(clean)


def _move(screen: BoardTarget, index: int) -> None:
    screen.move_to_column(screen.targets(), index)
