"""A queued change meets a ticket that changed on the server meanwhile (say the customer
wrote and Pylon moved it out of On Hold). The user sees both versions and chooses; nothing
is overwritten blindly."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync.delivery import Conflict
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain


class ConflictModal(ModalScreen[bool | None]):
    """Dismisses True = apply mine, False = keep the server's, None = decide later."""

    BINDINGS = bindings(
        Scope.DIALOG, "conflict_mine", "conflict_theirs", "conflict_later", "dialog_help"
    )

    def __init__(self, conflict: Conflict, labels: dict[str, str]) -> None:
        super().__init__()
        self.conflict = conflict
        self.labels = labels

    def compose(self) -> ComposeResult:
        server = self.conflict.server
        mine, theirs = self.conflict.describe(self.labels)
        with Vertical(classes="dialog"):
            yield Label(Text(f"#{server.number} changed while your change waited", style="bold"))
            yield Label(Text(one_line(server.title), style="italic"))
            yield Label(Text.assemble(("Yours:   ", "bold"), one_line(mine)), id="conflict-mine")
            yield Label(
                Text.assemble(("Server:  ", "bold"), one_line(theirs)), id="conflict-theirs"
            )
            keys = hint(
                keymap_of(self.app),
                ("conflict_mine", "apply mine"),
                ("conflict_theirs", "keep the server's"),
                ("conflict_later", "decide later"),
            )
            yield Label(plain(keys, "dim"))

    def action_mine(self) -> None:
        self.dismiss(True)

    def action_theirs(self) -> None:
        self.dismiss(False)

    def action_later(self) -> None:
        self.dismiss(None)
