"""The On Hold gate's dialog: a ticket gets a valid Linear link before it may go On Hold.

It searches Linear for likely duplicates of the ticket's title (so nobody files the same bug
twice), accepts a pasted URL/identifier validated live against Linear, or creates a new
issue. Confirm stays disabled until a real issue is chosen; an already-closed issue needs an
explicit second confirmation. Escape leaves the ticket exactly where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Priority, Ticket, User
from pylon_tui.domain.issue_refs import IssueRefError, parse_linear_issue
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import LinearPort
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.safe import plain

CreateIssue = Callable[[Callable[[LinkedIssue], None]], None]
"""Ask for a new issue to be filed; the callback receives it once created."""


@dataclass(frozen=True, slots=True)
class HoldResult:
    issue: LinkedIssue
    assignee_id: str | None = None


def issue_label(issue: LinkedIssue) -> Text:
    text = Text(f"{one_line(issue.identifier)} ", style="bold")
    text.append(one_line(issue.title))
    team = f" · {one_line(issue.team)}" if issue.team else ""
    text.append(f"  ({one_line(issue.state_name)}{team})", style="dim")
    return text


class HoldModal(WorkerBoundary, ModalScreen[HoldResult | None]):
    BINDINGS = bindings(
        Scope.DIALOG, "hold_link", "dialog_new_issue", "dialog_cancel", "dialog_help"
    )

    def __init__(
        self,
        ticket: Ticket,
        linear: LinearPort,
        *,
        moving: bool,
        users: list[User],
        pylon_link: str | None,
        create_issue: CreateIssue | None = None,
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.linear = linear
        self.create_issue = create_issue
        """How "new issue" files one: the flow that opened this dialog chains the next."""
        self.moving = moving
        self.users = users
        self.pylon_link = pylon_link
        self.chosen: LinkedIssue | None = None
        self.duplicates: list[LinkedIssue] = []

    def compose(self) -> ComposeResult:
        verb = "Put On Hold" if self.moving else "Link an issue to"
        with Vertical(classes="dialog hold"):
            yield Label(Text(f"{verb} #{self.ticket.number}", style="bold"))
            yield Label(Text(one_line(self.ticket.title), style="italic"), id="hold-ticket")
            yield Label(Text("Likely duplicates in Linear (enter to pick):", style="bold"))
            yield OptionList(
                Option(Text("searching…", style="dim"), disabled=True), id="hold-duplicates"
            )
            yield Input(placeholder="…or paste a Linear URL / ENG-123", id="hold-ref")
            yield Label("", id="hold-status")
            yield Checkbox(
                "Link anyway: this issue is already closed", id="hold-closed-ok", classes="hidden"
            )
            if self.ticket.priority is Priority.URGENT and self.users:
                yield Label(Text("Urgent: assign a teammate (optional)", style="bold"))
                options = [(plain(u.name), u.id) for u in self.users]
                yield Select(options, prompt="nobody", id="hold-assignee")
            keys = hint(
                keymap_of(self.app),
                ("hold_link", "link"),
                ("dialog_new_issue", "new issue"),
                ("dialog_cancel", "cancel"),
            )
            yield Label(plain(keys, "dim"), id="hold-keys")

    def on_mount(self) -> None:
        self.query_one("#hold-duplicates", OptionList).focus()
        self.search_duplicates()
        self._update_status()

    # ----- duplicates ------------------------------------------------------------------
    @work(exclusive=True, group="hold-search", exit_on_error=False)
    async def search_duplicates(self) -> None:
        options = self.query_one("#hold-duplicates", OptionList)
        try:
            self.duplicates = await self.linear.search(self.ticket.title, first=8)
        except ApiError as error:
            options.clear_options()
            options.add_option(Option(plain(f"search failed: {error}", "red"), disabled=True))
            return
        options.clear_options()
        if not self.duplicates:
            options.add_option(Option(Text("no similar issues found", style="dim"), disabled=True))
            return
        options.add_options(
            [Option(issue_label(i), id=str(n)) for n, i in enumerate(self.duplicates)]
        )
        options.highlighted = 0

    @on(OptionList.OptionSelected, "#hold-duplicates")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.choose(self.duplicates[int(event.option.id)])

    # ----- pasted reference ------------------------------------------------------------
    @on(Input.Changed, "#hold-ref")
    def ref_changed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        if not value:
            return
        try:
            ref = parse_linear_issue(value)
        except IssueRefError as error:
            self.chosen = None
            self._update_status(str(error), error=True)
            return
        self._update_status(f"looking up {ref}…")
        self.lookup(ref)

    @on(Input.Submitted, "#hold-ref")
    def ref_submitted(self) -> None:
        self.action_confirm()

    @work(exclusive=True, group="hold-lookup", exit_on_error=False)
    async def lookup(self, ref: str) -> None:
        try:
            issue = await self.linear.issue(ref)
        except ApiError as error:
            self.chosen = None
            self._update_status(f"Linear: {error}", error=True)
            return
        if issue is None:
            self.chosen = None
            self._update_status(f"Linear has no issue {ref}", error=True)
            return
        self.choose(issue)

    # ----- state -----------------------------------------------------------------------
    def choose(self, issue: LinkedIssue) -> None:
        self.chosen = issue
        closed_ok = self.query_one("#hold-closed-ok", Checkbox)
        closed_ok.value = False
        closed_ok.set_class(not issue.is_closed, "hidden")
        self._update_status()

    @on(Checkbox.Changed, "#hold-closed-ok")
    def closed_ok_changed(self) -> None:
        self._update_status()

    def can_confirm(self) -> bool:
        if self.chosen is None:
            return False
        return not self.chosen.is_closed or self.query_one("#hold-closed-ok", Checkbox).value

    def _update_status(self, message: str | None = None, *, error: bool = False) -> None:
        status = self.query_one("#hold-status", Label)
        if message is not None:
            status.update(plain(message, "bold red" if error else "dim"))
            return
        if self.chosen is None:
            status.update(
                Text("Pick a duplicate, paste a link or press ctrl+n to create one.", style="dim")
            )
            return
        text = Text("Selected: ", style="bold green")
        text.append_text(issue_label(self.chosen))
        if self.chosen.is_closed:
            text.append("\nThis issue is closed: tick the box to link it anyway.", style="yellow")
        status.update(text)

    # ----- actions ---------------------------------------------------------------------
    def action_confirm(self) -> None:
        if not self.can_confirm() or self.chosen is None:
            self._update_status("Choose a valid Linear issue first.", error=True)
            return
        assignee: str | None = None
        selects = self.query("#hold-assignee")
        if selects:
            value = self.query_one("#hold-assignee", Select).value
            assignee = value if isinstance(value, str) else None
        self.dismiss(HoldResult(self.chosen, assignee))

    def action_create(self) -> None:
        if self.create_issue is not None:
            self.create_issue(self.choose)

    def action_cancel(self) -> None:
        self.dismiss(None)
