"""A keyboard picker: type to narrow, arrows to choose, enter to pick, escape to cancel.

Used for move-to, assign, quick filters and the other-states list. Option labels may hold
untrusted text (names, titles), so they are built as plain `Text`, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import Scope, bindings
from pylon_tui.tui.safe import plain


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str
    hint: str = ""


class PickerModal(ModalScreen[str | None]):
    BINDINGS = bindings(Scope.DIALOG, "dialog_cancel", "picker_down", "picker_up", "dialog_help")

    def __init__(
        self, title: str, choices: list[Choice], *, hint: str = "", digits: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint
        self.digits = digits
        """A digit typed before any other text picks that choice (0 the first, 1 the
        second, ...): the view picker's number keys."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield Input(placeholder="type to narrow…", id="picker-filter")
            yield OptionList(*self._options(""), id="picker-options")
            if self.hint:
                yield Label(plain(self.hint, "dim"))

    def _options(self, needle: str) -> list[Option]:
        words = needle.lower().split()
        options = []
        for choice in self.choices:
            label = one_line(choice.label)
            hay = f"{label} {choice.hint}".lower()
            if all(w in hay for w in words):
                text = Text(label)
                if choice.hint:
                    text.append(f"  {one_line(choice.hint)}", style="dim")
                options.append(Option(text, id=choice.key))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.digits and len(event.value) == 1 and event.value.isdigit():
            index = int(event.value)
            if index < len(self.choices):
                self.dismiss(self.choices[index].key)
                return
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


# The ready-to-tell list (issue 15): tickets whose issue closed, each with a drafted reply.
SEND_ALL = "\x00all"
"""What the picker answers for "send all" (no ticket id looks like it)."""


class ReadyPicker(PickerModal):
    """Enter reviews one reply; the send-all key answers SEND_ALL. Typing narrows the list
    (PickerModal's Input( field), so only ctrl keys are bound here."""

    BINDINGS = bindings(
        Scope.DIALOG, "ready_send_all", "dialog_cancel", "picker_down", "picker_up", "dialog_help"
    )

    def action_send_all(self) -> None:
        self.dismiss(SEND_ALL)
