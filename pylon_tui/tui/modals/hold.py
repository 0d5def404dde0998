"""The On Hold gate's dialog: a ticket gets a valid Linear or GitHub link before it may go
On Hold.

It searches Linear for likely duplicates of the ticket's title (so nobody files the same bug
twice), accepts a pasted Linear or GitHub reference validated live against its tracker, or
creates a new Linear issue. Confirm stays disabled until a real issue is chosen, and its key
hint says so; an already-closed issue needs an explicit second confirmation and the dialog
says what linking it will (not) do. Escape leaves the ticket exactly where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Priority, Ticket, User
from pylon_tui.domain.issue_refs import GITHUB, IssueRef, IssueRefError, parse_issue_ref
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import IssueFinder, LinearPort
from pylon_tui.tui.catalog import Scope, bindings, keymap_of, keys_in_effect
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.safe import plain

CreateIssue = Callable[[Callable[[LinkedIssue], None]], None]
"""Ask for a new issue to be filed; the callback receives it once created."""


@dataclass(frozen=True, slots=True)
class HoldResult:
    issue: LinkedIssue
    assignee_id: str | None = None


def issue_label(issue: LinkedIssue, waiting: int = 0) -> Text:
    """`waiting` (issue 15): open tickets already linked to it, "· 3 waiting"."""
    text = Text(f"{one_line(issue.identifier)} ", style="bold")
    text.append(one_line(issue.title))
    team = f" · {one_line(issue.team)}" if issue.team else ""
    text.append(f"  ({one_line(issue.state_name)}{team})", style="dim")
    if waiting:
        text.append(f" · {waiting} waiting", style="bold")
    return text


class HoldModal(WorkerBoundary, ModalScreen[HoldResult | None]):
    BINDINGS = bindings(
        Scope.DIALOG, "hold_link", "dialog_new_issue", "dialog_cancel", "dialog_help"
    )

    def __init__(
        self,
        ticket: Ticket,
        finder: IssueFinder,
        linear: LinearPort | None,
        *,
        moving: bool,
        users: list[User],
        pylon_link: str | None,
        create_issue: CreateIssue | None = None,
        waiting: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.waiting = dict(waiting or {})
        """Blast radius (issue 15): external id -> open tickets linked to it."""
        self.finder = finder
        """Looks a pasted Linear or GitHub reference up."""
        self.linear = linear
        """Duplicate search and new issues; None when no Linear key is configured (GitHub
        references still work)."""
        self.create_issue = create_issue
        """How "new issue" files one: the flow that opened this dialog chains the next."""
        self.moving = moving
        self.users = users
        self.pylon_link = pylon_link
        self.chosen: LinkedIssue | None = None
        self.created: LinkedIssue | None = None
        """The issue "new issue" filed from here, so leaving without linking it is said."""
        self.duplicates: list[LinkedIssue] = []

    def compose(self) -> ComposeResult:
        verb = "Put On Hold" if self.moving else "Link an issue to"
        with Vertical(classes="dialog hold"):
            yield Label(Text(f"{verb} #{self.ticket.number}", style="bold"))
            yield Label(Text(one_line(self.ticket.title), style="italic"), id="hold-ticket")
            # Docked, so the keys stay in sight however much the body holds (80x24).
            yield Label("", id="hold-keys")
            with VerticalScroll(id="hold-body"):
                yield Label(Text("Likely duplicates in Linear (enter to pick):", style="bold"))
                yield OptionList(
                    Option(Text("searching…", style="dim"), disabled=True), id="hold-duplicates"
                )
                yield Input(
                    placeholder="…or paste a Linear URL / ENG-123 / GitHub issue URL",
                    id="hold-ref",
                )
                yield Label("", id="hold-status")
                yield Checkbox(
                    "Link anyway: this issue is already closed",
                    id="hold-closed-ok",
                    classes="hidden",
                )
                if self.ticket.priority is Priority.URGENT and self.users:
                    yield Label(Text("Urgent: assign a teammate (optional)", style="bold"))
                    options = [(plain(u.name), u.id) for u in self.users]
                    yield Select(options, prompt="nobody", id="hold-assignee")

    def on_mount(self) -> None:
        self.query_one("#hold-duplicates", OptionList).focus()
        self.search_duplicates()
        self._update_status()

    def _key(self, action_id: str) -> str:
        return keys_in_effect(action_id, keymap_of(self.app)).split(" ", 1)[0]

    def _update_keys(self) -> None:
        """The key line, with why a key does nothing yet: a disabled key looks disabled."""
        line = Text()
        if self.can_confirm():
            line.append(f"{self._key('hold_link')} link", style="bold")
        else:
            closed = self.chosen is not None and self.chosen.is_closed
            why = "tick the box first" if closed else "choose an issue first"
            line.append(f"{self._key('hold_link')} link ({why})", style="dim")
        line.append(" · ", style="dim")
        if self.create_issue is not None and self.linear is not None:
            line.append(f"{self._key('dialog_new_issue')} new issue")
        else:
            line.append(f"{self._key('dialog_new_issue')} new issue (needs Linear)", style="dim")
        line.append(f" · {self._key('dialog_cancel')} cancel")
        self.query_one("#hold-keys", Label).update(line)

    # ----- duplicates ------------------------------------------------------------------
    @work(exclusive=True, group="hold-search", exit_on_error=False)
    async def search_duplicates(self) -> None:
        options = self.query_one("#hold-duplicates", OptionList)
        if self.linear is None:
            options.clear_options()
            note = "no Linear key configured: paste a GitHub issue URL below"
            options.add_option(Option(Text(note, style="dim"), disabled=True))
            return
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
            [
                Option(issue_label(i, self.waiting.get(i.external_id, 0)), id=str(n))
                for n, i in enumerate(self.duplicates)
            ]
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
            ref = parse_issue_ref(value)
        except IssueRefError as error:
            self._unchoose()
            self._update_status(str(error), error=True)
            return
        self._update_status(f"looking up {ref.label}…")
        self.lookup(ref)

    @on(Input.Submitted, "#hold-ref")
    def ref_submitted(self) -> None:
        self.action_confirm()

    @work(exclusive=True, group="hold-lookup", exit_on_error=False)
    async def lookup(self, ref: IssueRef) -> None:
        tracker = "GitHub" if ref.source == GITHUB else "Linear"
        try:
            issue = await self.finder.find(ref)
        except ApiError as error:
            self._unchoose()
            hint = f" ({error.hint})" if error.hint else ""
            self._update_status(f"{tracker}: {error}{hint}", error=True)
            return
        if issue is None:
            self._unchoose()
            why = (
                " (or the token cannot see it: a private repository needs GITHUB_TOKEN)"
                if ref.source == GITHUB
                else ""
            )
            self._update_status(f"{tracker} has no issue {ref.label}{why}", error=True)
            return
        self.choose(issue)

    # ----- state -----------------------------------------------------------------------
    def choose(self, issue: LinkedIssue) -> None:
        self.chosen = issue
        closed_ok = self.query_one("#hold-closed-ok", Checkbox)
        closed_ok.value = False
        closed_ok.set_class(not issue.is_closed, "hidden")
        self._update_status()

    def _unchoose(self) -> None:
        self.chosen = None
        self.query_one("#hold-closed-ok", Checkbox).set_class(True, "hidden")

    @on(Checkbox.Changed, "#hold-closed-ok")
    def closed_ok_changed(self) -> None:
        self._update_status()

    def can_confirm(self) -> bool:
        if self.chosen is None:
            return False
        return not self.chosen.is_closed or self.query_one("#hold-closed-ok", Checkbox).value

    def _update_status(
        self, message: str | None = None, *, error: bool = False, keep_choice: bool = False
    ) -> None:
        """The status line: `message` alone, or (with `keep_choice`) under the chosen issue,
        which stays in sight while the message says what is missing."""
        self._update_keys()
        status = self.query_one("#hold-status", Label)
        text = Text()
        if message is None or keep_choice:
            text = self._choice_text()
        if message is not None:
            if text:
                text.append("\n")
            text.append_text(plain(message, "bold red" if error else "dim"))
        status.update(text)

    def _choice_text(self) -> Text:
        chosen = self.chosen
        if chosen is None:
            new = self._key("dialog_new_issue")
            return Text(f"Pick a duplicate, paste a link or press {new} to create one.", "dim")
        text = Text("Selected: ", style="bold green")
        text.append_text(issue_label(chosen))
        if self.created is not None and chosen.external_id == self.created.external_id:
            text.append(
                f"\nCreated in Linear: {self._key('hold_link')} links it; "
                f"{self._key('dialog_cancel')} leaves it unlinked.",
                style="dim",
            )
        if chosen.is_closed:
            text.append(f"\n{self.closed_consequence()}", style="yellow")
        return text

    def closed_consequence(self) -> str:
        """What linking an already-closed issue will (not) do, said before it is done."""
        if self.moving:
            return "This issue is already closed: the ticket will stay On Hold until you move it."
        return (
            "This issue is already closed: linking it will never move the ticket back to "
            "On You by itself."
        )

    # ----- actions ---------------------------------------------------------------------
    def action_confirm(self) -> None:
        if self.chosen is None:
            self._update_status(
                "Choose an issue first: pick a duplicate, paste a link or create one.",
                error=True,
            )
            return
        if not self.can_confirm():
            identifier = one_line(self.chosen.identifier)
            self._update_status(
                f'{identifier} is closed: tick "Link anyway" (tab, space) or choose an open one.',
                error=True,
                keep_choice=True,
            )
            return
        assignee: str | None = None
        selects = self.query("#hold-assignee")
        if selects:
            value = self.query_one("#hold-assignee", Select).value
            assignee = value if isinstance(value, str) else None
        self.dismiss(HoldResult(self.chosen, assignee))

    def action_create(self) -> None:
        if self.create_issue is None or self.linear is None:
            self._update_status(
                "Creating an issue needs Linear: set LINEAR_API_KEY (or [linear] "
                "token_command) and restart; a GitHub issue URL can be pasted meanwhile.",
                error=True,
                keep_choice=True,
            )
            return
        self.create_issue(self._created)

    def _created(self, issue: LinkedIssue) -> None:
        self.created = issue
        self.choose(issue)

    def action_cancel(self) -> None:
        self.dismiss(None)
