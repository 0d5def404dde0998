"""Edit a ticket's tags: the organization's tags to tick, plus any typed as free text.

The result is the exact list to send (Pylon's PATCH `tags` replaces the whole set). Tag
names come from Pylon and from the user: shown as plain Text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from pylon_tui.domain.macros import normalise_tags
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain


class TagsModal(ModalScreen[tuple[str, ...] | None]):
    BINDINGS = bindings(
        Scope.DIALOG, "tags_save", "dialog_cancel", "picker_down", "picker_up", "dialog_help"
    )

    def __init__(self, title: str, current: tuple[str, ...], org_tags: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.chosen = list(normalise_tags(current))
        self.all_tags = list(normalise_tags([*current, *org_tags]))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, "bold"))
            yield Input(placeholder="type to narrow, or a new tag and enter", id="tags-filter")
            yield OptionList(*self._options(""), id="tags-options")
            yield Label(self._chosen_line(), id="tags-chosen")
            keys = hint(
                keymap_of(self.app),
                ("tags_save", "save"),
                ("dialog_cancel", "cancel"),
            )
            yield Label(plain(f"enter ticks or adds · {keys}", "dim"), id="tags-keys")

    def _chosen_line(self) -> Text:
        shown = ", ".join(one_line(t) for t in self.chosen) or "(none)"
        return Text(f"Tags: {shown}")

    def _options(self, needle: str) -> list[Option]:
        words = needle.lower().split()
        chosen = {t.lower() for t in self.chosen}
        options = []
        for tag in self.all_tags:
            if all(w in tag.lower() for w in words):
                mark = "✓ " if tag.lower() in chosen else "  "
                options.append(Option(Text(mark + one_line(tag)), id=tag))
        return options

    def _redraw(self, keep: str | None = None) -> None:
        options = self.query_one(OptionList)
        needle = self.query_one(Input).value
        options.clear_options()
        options.add_options(self._options(needle))
        if options.option_count:
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = ids.index(keep) if keep in ids else 0
        self.query_one("#tags-chosen", Label).update(self._chosen_line())

    def toggle(self, tag: str) -> None:
        lowered = [t.lower() for t in self.chosen]
        if tag.lower() in lowered:
            del self.chosen[lowered.index(tag.lower())]
        else:
            self.chosen.append(tag)
        self._redraw(keep=tag)

    def on_mount(self) -> None:
        self.query_one(OptionList).styles.max_height = 9  # the key line stays in at 80x24
        self.query_one(Input).focus()
        self._redraw()

    def on_input_changed(self, _: Input.Changed) -> None:
        self._redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = " ".join(event.value.split())
        options = self.query_one(OptionList)
        known = {t.lower(): t for t in self.all_tags}
        if typed and typed.lower() not in known:
            self.all_tags.append(typed)
            self.chosen.append(typed)
            self.query_one(Input).value = ""
            self._redraw(keep=typed)
            return
        if typed:
            self.query_one(Input).value = ""
            self.toggle(known[typed.lower()])
        elif options.highlighted is not None:
            self.toggle(str(options.get_option_at_index(options.highlighted).id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.toggle(str(event.option.id))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_save(self) -> None:
        self.dismiss(normalise_tags(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
