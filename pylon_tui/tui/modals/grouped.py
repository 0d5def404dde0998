"""On Hold grouped by linked issue (issue 15, `b`): each engineering issue with its state,
assignee and the tickets (and accounts) waiting on it, most waited on first. Enter opens a
ticket; `b` or escape goes back to the board."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pylon_tui.domain import Directory
from pylon_tui.domain.blast import IssueGroup
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.safe import plain


def group_heading(group: IssueGroup, directory: Directory) -> Text:
    live = group.live
    state = one_line(live.state_name) if live is not None and live.state_name else "state unknown"
    who = one_line(live.assignee) if live is not None and live.assignee else "unassigned"
    accounts = [one_line(directory.account_name(a)) for a in group.account_ids]
    text = Text()
    text.append(one_line(group.label), style="bold")
    text.append(f" · {state} · {who} · {group.waiting} waiting")
    if accounts:
        text.append(" · " + ", ".join(a for a in accounts if a), style="dim")
    return text


class GroupedView(ModalScreen[str | None]):
    """Dismisses with a ticket id to open, or None."""

    BINDINGS = bindings(Scope.DIALOG, "group_close", "dialog_help")

    def __init__(self, groups: list[IssueGroup], directory: Directory) -> None:
        super().__init__()
        self.groups = groups
        self.directory = directory

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for group in self.groups:
            options.append(Option(group_heading(group, self.directory), disabled=True))
            for ticket in group.tickets:
                line = Text(f"   #{ticket.number} ")
                line.append(one_line(ticket.title))
                options.append(Option(line, id=f"{group.link.external_id}|{ticket.id}"))
        with Vertical(classes="dialog", id="grouped"):
            yield Label(plain(f"On Hold by linked issue ({len(self.groups)} issues)", "bold"))
            if options:
                yield OptionList(*options, id="grouped-options")
            else:
                yield Label(plain("No On Hold ticket has a linked issue", "dim"))
            keys = hint(keymap_of(self.app), ("group_close", "board"))
            yield Label(plain(f"enter open · {keys}", "dim"))

    def on_mount(self) -> None:
        for options in self.query("#grouped-options").results(OptionList):
            options.focus()
            first = next((i for i, o in enumerate(options.options) if not o.disabled), None)
            options.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        self.dismiss(key.split("|", 1)[1] if "|" in key else None)

    def action_close(self) -> None:
        self.dismiss(None)
