"""A queued reply the customer wrote past (issue 15's collision guard): the new messages,
the reply as it stands, and three choices. It opens only when the user asks (the conflicts
key), never by itself."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from pylon_tui.domain import Message
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain

Choice = Literal["send", "edit", "drop"]


class CollisionModal(ModalScreen[Choice | None]):
    """Dismisses "send" (as is), "edit" (back into the editor), "drop", or None (later)."""

    DEFAULT_CSS = """
    CollisionModal #collision-body { height: auto; max-height: 14; }
    CollisionModal #collision-body Label { width: 100%; }
    """

    BINDINGS = bindings(
        Scope.DIALOG,
        "collision_send",
        "collision_edit",
        "collision_drop",
        "conflict_later",
        "dialog_help",
    )

    def __init__(self, number: int, title: str, reply_text: str, new: list[Message]) -> None:
        super().__init__()
        self.number = number
        self.title_text = title
        self.reply_text = reply_text
        self.new = new

    def compose(self) -> ComposeResult:
        count = len(self.new)
        with Vertical(classes="dialog", id="collision"):
            yield Label(
                Text(
                    f"#{self.number}: the customer wrote {count or 'again'} "
                    f"message{'s' if count != 1 else ''} after your reply was started",
                    style="bold",
                )
            )
            yield Label(plain(one_line(self.title_text), "italic"))
            with VerticalScroll(id="collision-body"):
                for message in self.new:
                    who = one_line(message.author_name) or "Customer"
                    yield Label(
                        Text.assemble((f"{who}: ", "bold"), _lines(html_to_text(message.html))),
                        classes="collision-new",
                    )
                yield Label(
                    Text.assemble(("Your reply: ", "bold"), _lines(self.reply_text)),
                    id="collision-reply",
                )
            keys = hint(
                keymap_of(self.app),
                ("collision_send", "send as is"),
                ("collision_edit", "edit"),
                ("collision_drop", "drop"),
                ("conflict_later", "later"),
            )
            yield Label(plain(keys, "dim"))

    def action_send(self) -> None:
        self.dismiss("send")

    def action_edit(self) -> None:
        self.dismiss("edit")

    def action_drop(self) -> None:
        self.dismiss("drop")

    def action_later(self) -> None:
        self.dismiss(None)


def _lines(text: str) -> str:
    """Untrusted text made safe line by line, keeping its line breaks (it wraps to read)."""
    return "\n".join(one_line(line) for line in text.splitlines())
