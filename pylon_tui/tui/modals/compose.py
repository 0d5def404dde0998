"""Write a reply or an internal note, prefilled from a template and editable before send."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain


class ComposeModal(ModalScreen[str | None]):
    BINDINGS = bindings(
        Scope.DIALOG, "compose_send", "dialog_cancel", "compose_next_template", "dialog_help"
    )

    def __init__(
        self,
        title: str,
        *,
        context: str = "",
        text: str = "",
        templates: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.context_text = context
        self.initial = text
        self.templates = list((templates or {}).items())
        self._template_index = next(
            (i for i, (_, body) in enumerate(self.templates) if body == text), -1
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose"):
            yield Label(Text(self.title_text, style="bold"))
            if self.context_text:
                yield Label(Text(one_line(self.context_text), style="dim"), classes="context")
            yield TextArea(self.initial, id="compose-text", soft_wrap=True)
            pairs = [("compose_send", "send"), ("dialog_cancel", "cancel")]
            if len(self.templates) > 1:
                pairs.append(("compose_next_template", "next template"))
            keys = hint(keymap_of(self.app), *pairs)
            yield Label(plain(keys, "dim"), id="compose-keys")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_send(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("Nothing to send: write a message or press escape", severity="warning")
            return
        self.dismiss(text)

    def action_next_template(self) -> None:
        """Cycle the configured templates ([templates] in config.toml) into the editor."""
        if not self.templates:
            return
        self._template_index = (self._template_index + 1) % len(self.templates)
        name, body = self.templates[self._template_index]
        area = self.query_one(TextArea)
        area.text = body
        area.move_cursor(area.document.end)
        self.notify(f"template: {name}", timeout=2)

    def action_cancel(self) -> None:
        self.dismiss(None)
