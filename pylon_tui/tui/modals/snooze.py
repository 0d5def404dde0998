"""When a snooze ends: three presets, or a typed time ("2h", "14:30", "mon 10:00").

A typed time that means nothing definite is refused in place with what would work; the
dialog stays open with the words kept, so the user fixes rather than retypes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from pylon_tui.domain.snooze import PRESETS, SnoozeTimeError, describe_until, parse_snooze
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain


class SnoozeModal(ModalScreen[datetime | None]):
    BINDINGS = bindings(Scope.DIALOG, "dialog_cancel", "picker_down", "picker_up", "dialog_help")

    def __init__(self, title: str, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.title_text = title
        self.now = now

    def compose(self) -> ComposeResult:
        now = self.now()
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield OptionList(
                *(
                    Option(plain(f"{p.label}  ({describe_until(p.until(now), now)})"), id=p.key)
                    for p in PRESETS
                ),
                id="snooze-presets",
            )
            yield Input(placeholder="or type: 2h, 14:30, tomorrow 14:00, mon", id="snooze-time")
            yield Label("", id="snooze-problem")
            keys = hint(keymap_of(self.app), ("dialog_cancel", "cancel"))
            yield Label(plain(f"enter picks · tab types a time · {keys}", "dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        preset = next(p for p in PRESETS if p.key == event.option.id)
        self.dismiss(preset.until(self.now()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            until = parse_snooze(event.value, self.now())
        except SnoozeTimeError as problem:
            self.query_one("#snooze-problem", Label).update(plain(str(problem), "bold"))
            return
        self.dismiss(until)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
