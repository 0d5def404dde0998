"""One ticket in full: fields, SLA, linked issues with live state, and the message thread.

Messages arrive as HTML from customers; they are converted to plain text and drawn as
`Text` (never markup), so nothing in a message can style, hide or inject into the terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Key
from textual.widgets import Footer, Static

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Message, Ticket
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import ago
from pylon_tui.tui.catalog import Scope, bindings, keymap_of
from pylon_tui.tui.catalog.guard import ReadOnlyGuard
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.messages import TicketsChanged
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.safe import plain
from pylon_tui.tui.widgets.fields import ticket_fields

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows


def thread_text(messages: list[Message], now: datetime) -> Text:
    text = Text()
    if not messages:
        text.append("No messages.", style="italic")
    for message in messages:
        who = one_line(message.author_name) or "unknown"
        kind = "internal note" if message.is_private else (message.source or "message")
        text.append(f"\n{who}", style="bold yellow" if message.is_private else "bold")
        text.append(f"  ·  {one_line(kind)}  ·  {ago(message.timestamp, now)}\n", style="italic")
        text.append(html_to_text(message.html) or "(empty)")
        text.append("\n")
    return text


class DetailScreen(WorkerBoundary, ReadOnlyGuard):
    """Stays true while open: its own actions and every sync redraw the fields, and the
    thread is read again whenever the ticket changed on Pylon (a reply, a customer's
    message, a move), not on every sync: the messages endpoint has the smallest budget."""

    BINDINGS = bindings(Scope.DETAIL)

    def __init__(self, ctx: AppContext, flows: Flows, ticket_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.flows = flows
        self.ticket_id = ticket_id
        self.messages: list[Message] | None = None
        self._thread_of: datetime | None = None
        """The ticket's `updated_at` when the thread was last read."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-fields")
            yield Static(Text("Thread", style="bold underline"))
            yield Static(Text("loading messages…", style="italic"), id="detail-thread")
        yield Footer()

    @property
    def ticket(self) -> Ticket | None:
        return self.ctx.service.board.get(self.ticket_id)

    def on_mount(self) -> None:
        self.show_fields()
        self.load_messages()

    def show_fields(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            fields = ticket_fields(ticket, self.ctx.service.directory, self.ctx)
            self.query_one("#detail-fields", Static).update(fields)

    def on_tickets_changed(self, _: TicketsChanged) -> None:
        """A sync, a send or a dialog's writes changed the board: show the ticket as it is
        now, and read its thread again if the ticket changed since the last read."""
        self.show_fields()
        ticket = self.ticket
        if ticket is not None and ticket.updated_at != self._thread_of:
            self.load_messages()

    @work(exclusive=True, group="detail-messages", exit_on_error=False)
    async def load_messages(self) -> None:
        thread = self.query_one("#detail-thread", Static)
        ticket = self.ticket
        read_at = ticket.updated_at if ticket is not None else None
        try:
            self.messages = await self.ctx.service.messages(self.ticket_id)
        except ApiError as error:
            thread.update(plain(f"Could not load messages: {error}", "red"))
            return  # the next sync tries again
        self._thread_of = read_at
        thread.update(thread_text(self.messages, self.ctx.now()))

    def action_back(self) -> None:
        self.dismiss(None)

    def refresh_view(self) -> None:
        self.show_fields()
        self.load_messages()

    def _refresh_if(self, sent: bool) -> None:
        if sent and self.is_attached:  # the user may have left while it was sending
            self.refresh_view()

    @property
    def read_only(self) -> bool:
        return self.ctx.read_only

    def on_key(self, event: Key) -> None:
        self.refuse_write_key(event)

    def action_reply(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.start(self.flows.reply(ticket), then=self._refresh_if)

    def action_note(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.start(self.flows.note(ticket), then=self._refresh_if)

    def action_link(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.start(self.flows.hold(ticket, then_move_to=None), then=self._linked)

    def _linked(self, linked: bool) -> None:
        if linked and self.is_attached:
            self.show_fields()

    def action_tags(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.start(self.flows.edit_tags(ticket), then=self._refresh_if)

    def action_snooze(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.start(self.flows.snooze([ticket]), then=self._refresh_if)

    def action_conflicts(self) -> None:
        self.flows.resolve_conflicts()

    def action_help(self) -> None:
        """Help opens on the page with this screen's keys."""
        self.app.push_screen(
            HelpScreen(dict(keymap_of(self.app)), others=True, read_only=self.ctx.read_only)
        )

    def action_copy_link(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.copy_link(ticket)
