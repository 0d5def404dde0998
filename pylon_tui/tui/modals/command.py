"""A custom action's two dialogs: "run this?" before, and what it printed after.

The command line and its output are untrusted (ticket text went into the arguments; the
program prints what it likes): both are shown as plain text with control sequences removed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pylon_tui.domain.safe_text import strip_controls
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain

MAX_SHOWN = 20_000


class ConfirmCommandModal(ModalScreen[bool]):
    BINDINGS = bindings(Scope.DIALOG, "confirm_yes", "dialog_cancel", "dialog_help")

    def __init__(self, title: str, argv: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.argv = argv

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield Static(plain(" ".join(repr(a) if " " in a else a for a in self.argv)))
            keys = hint(keymap_of(self.app), ("confirm_yes", "run"), ("dialog_cancel", "cancel"))
            yield Label(plain(keys, "dim"))

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class OutputModal(ModalScreen[None]):
    BINDINGS = bindings(Scope.DIALOG, "dialog_cancel", "dialog_help")

    def __init__(self, title: str, output: str) -> None:
        super().__init__()
        self.title_text = title
        self.output = strip_controls(output[-MAX_SHOWN:], keep_newlines=True) or "(no output)"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            with VerticalScroll(id="command-output"):
                yield Static(plain(self.output, multiline=True))
            yield Label(plain(hint(keymap_of(self.app), ("dialog_cancel", "close")), "dim"))

    def action_cancel(self) -> None:
        self.dismiss(None)
