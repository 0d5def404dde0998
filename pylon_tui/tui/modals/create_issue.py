"""Create a Linear issue from a ticket: team picker, title and description prefilled with the
ticket's summary and its Pylon link, so engineering gets context without copy-paste."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Ticket
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.links import LinearTeam
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import LinearPort
from pylon_tui.tui.catalog import Scope, bindings, hint, keymap_of
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.safe import plain


def default_description(ticket: Ticket, pylon_link: str | None) -> str:
    summary = html_to_text(ticket.body_html)[:1500] if ticket.body_html else ""
    lines = [f"Reported by a customer in Pylon #{ticket.number}: {one_line(ticket.title)}"]
    if pylon_link:
        lines.append(f"Pylon: {pylon_link}")
    if summary:
        lines += ["", "Customer's report:", summary]
    return "\n".join(lines)


class CreateIssueModal(WorkerBoundary, ModalScreen[LinkedIssue | None]):
    BINDINGS = bindings(Scope.DIALOG, "create_issue_send", "dialog_cancel", "dialog_help")

    def __init__(self, ticket: Ticket, linear: LinearPort, *, pylon_link: str | None) -> None:
        super().__init__()
        self.ticket = ticket
        self.linear = linear
        self.pylon_link = pylon_link
        self.teams: list[LinearTeam] = []
        self.busy = False
        self.issue_id = str(uuid.uuid4())
        """One id for every attempt from this dialog: a retry after a lost answer can't
        create a second issue."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose"):
            yield Label(Text(f"New Linear issue for #{self.ticket.number}", style="bold"))
            yield Select[str]([], prompt="loading teams…", id="create-team")
            yield Input(one_line(self.ticket.title), id="create-title")
            yield TextArea(default_description(self.ticket, self.pylon_link), id="create-body")
            yield Label("", id="create-status")
            keys = hint(
                keymap_of(self.app), ("create_issue_send", "create"), ("dialog_cancel", "cancel")
            )
            yield Label(plain(keys, "dim"))

    def on_mount(self) -> None:
        self.query_one("#create-team", Select).focus()
        self.load_teams()

    @work(exclusive=True, group="create-teams", exit_on_error=False)
    async def load_teams(self) -> None:
        select = self.query_one("#create-team", Select)
        try:
            self.teams = await self.linear.teams()
        except ApiError as error:
            self._status(f"Could not load Linear teams: {error}", error=True)
            return
        select.set_options([(plain(f"{t.key} · {t.name}"), t.id) for t in self.teams])
        select.prompt = "choose a team"
        if len(self.teams) >= 1:
            select.value = self.teams[0].id

    def _status(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#create-status", Label)
        label.update(plain(message, "bold red" if error else "dim"))

    def action_create(self) -> None:
        team = self.query_one("#create-team", Select).value
        title = self.query_one("#create-title", Input).value.strip()
        if not isinstance(team, str):
            self._status("Choose a team first.", error=True)
            return
        if not title:
            self._status("The issue needs a title.", error=True)
            return
        if not self.busy:
            self.busy = True
            self._status("creating…")
            self.create(team, title, self.query_one("#create-body", TextArea).text)

    @work(exclusive=True, group="create-issue", exit_on_error=False)
    async def create(self, team_id: str, title: str, body: str) -> None:
        try:
            issue = await self.linear.create_issue(team_id, title, body, issue_id=self.issue_id)
        except ApiError as error:
            self.busy = False
            self._status(f"Linear refused: {error}", error=True)
            return
        self.dismiss(issue)

    def action_cancel(self) -> None:
        self.dismiss(None)
