"""`?`: every key from the catalogue, grouped, with `[keys]` remaps applied.

Two pages: the board's keys (what `?` is mostly for), and on `tab` those of the detail screen
and the dialogs. Asked from the detail screen or a dialog, it opens on that second page.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pylon_tui.tui.catalog import (
    ANYWHERE,
    ActionSpec,
    Scope,
    bindings,
    board_bindings,
    help_groups,
    hint,
    key_label,
    keys_in_effect,
    writes,
)
from pylon_tui.tui.safe import plain


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings(Scope.DIALOG, "help_close", "help_pages")

    def __init__(
        self,
        keymap: dict[str, str] | None = None,
        *,
        others: bool = False,
        read_only: bool = False,
        custom: list[tuple[str, str, bool]] | None = None,
    ) -> None:
        """`others`: open on the detail screen's and the dialogs' keys (asked from there).
        `read_only`: label every write "(off: read-only)". `custom`: the `[actions.NAME]`
        keys and what they run."""
        super().__init__()
        self.keymap = keymap or {}
        self.others = others
        self.read_only = read_only
        self.custom = custom or []

    def _table(self, groups: list[tuple[str, list[ActionSpec]]]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for group, specs in groups:
            table.add_row(Text(group, style="bold underline"), Text(""))
            for spec in specs:
                keys = keys_in_effect(spec.id, self.keymap)
                if self.read_only and writes(spec.id):
                    table.add_row(
                        plain(keys, "dim"), plain(f"{spec.description} (off: read-only)", "dim")
                    )
                else:
                    table.add_row(plain(keys), plain(spec.description))
        return table

    def compose(self) -> ComposeResult:
        board = self._table(help_groups(Scope.BOARD))
        if self.custom:
            board.add_row(Text("Custom actions ([actions])", style="bold underline"), Text(""))
            for keys, description, writes in self.custom:
                if self.read_only and writes:
                    off = f"{description} (off: read-only)"
                    board.add_row(plain(keys, "dim"), plain(off, "dim"))
                else:
                    board.add_row(plain(keys), plain(description))
        board.add_row(Text("Anywhere", style="bold underline"), Text(""))
        for keys, description in ANYWHERE:
            board.add_row(Text(keys), Text(description))
        others = self._table(help_groups(Scope.DETAIL) + help_groups(Scope.DIALOG))
        keys_line = hint(
            self.keymap, ("help_close", "closes"), ("help_pages", "detail screen and dialog keys")
        )
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys (remap them under [keys] in config.toml)", style="bold"))
            yield Static(board, id="help-table")
            yield Static(others, id="help-others", classes="hidden")
            yield Static(plain(keys_line, "dim"), id="help-keys")

    def on_mount(self) -> None:
        if self.others:
            self.action_other_page()

    def action_other_page(self) -> None:
        for page in self.query("#help-table, #help-others"):
            page.toggle_class("hidden")
        on_board = not self.query_one("#help-table").has_class("hidden")
        other = "detail screen and dialog keys" if on_board else "board keys"
        keys_line = hint(self.keymap, ("help_close", "closes"), ("help_pages", other))
        self.query_one("#help-keys", Static).update(plain(keys_line, "dim"))
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


def help_binding_ids() -> list[str]:
    """The board's ids, each of which a Pilot test must press (test_binding_coverage)."""
    return [str(b.id) for b in board_bindings()]


__all__ = ["HelpScreen", "help_binding_ids", "key_label"]
