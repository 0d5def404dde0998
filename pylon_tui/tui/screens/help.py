"""`?`: every key, grouped, read from the live bindings so remaps show up here too."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pylon_tui.tui.keys import HELP_GROUPS, board_bindings
from pylon_tui.tui.safe import plain


def key_label(keys: str) -> str:
    names = [k.strip() for k in keys.split(",") if k.strip()]
    pretty = {"question_mark": "?", "slash": "/", "space": "space"}
    return " ".join(pretty.get(name, name) for name in names)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        by_id = {b.id: b for b in board_bindings()}
        for group, ids in HELP_GROUPS:
            table.add_row(Text(group, style="bold underline"), Text(""))
            for binding_id in ids:
                binding = by_id[binding_id]
                keys = self.keymap.get(binding_id, binding.key)
                table.add_row(plain(key_label(keys)), plain(binding.description))
        table.add_row(Text("Anywhere", style="bold underline"), Text(""))
        table.add_row(Text("ctrl+p"), Text("Command palette"))
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys (remap them under [keys] in config.toml)", style="bold"))
            yield Static(table, id="help-table")
            yield Static(Text("escape closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


def help_binding_ids() -> list[str]:
    return [binding_id for _, ids in HELP_GROUPS for binding_id in ids]


__all__ = ["Binding", "HelpScreen", "help_binding_ids", "key_label"]
