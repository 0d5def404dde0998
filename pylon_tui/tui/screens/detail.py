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
from textual.screen import Screen
from textual.widgets import Footer, Static

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Directory, Message, Ticket
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age, ago
from pylon_tui.tui.catalog import Scope, bindings, keymap_of
from pylon_tui.tui.crash import WorkerBoundary
from pylon_tui.tui.messages import TicketsChanged
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.safe import plain

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows


def ticket_fields(ticket: Ticket, directory: Directory, ctx: AppContext) -> Text:
    now = ctx.now()
    catalog = ctx.service.board.catalog
    text = Text()
    text.append(f"#{ticket.number} ", style="bold")
    text.append(one_line(ticket.title), style="bold")
    text.append("\n")
    rows: list[tuple[str, str]] = [
        ("Status", catalog.label_of(ticket.state)),
        ("Priority", ticket.priority.label if ticket.priority else "none"),
        ("Account", directory.account_name(ticket.account_id) or "—"),
        ("Assignee", directory.user_name(ticket.assignee_id) or "unassigned"),
        ("Created", f"{_when(ticket.created_at, now)}"),
        ("Last message", _when(ticket.latest_message_time, now)),
        ("First response", _when(ticket.first_response_time, now)),
        ("SLA breach", _sla(ticket.resolution_breach_time, now)),
        ("Tags", ", ".join(ticket.tags) or "—"),
        ("Pylon", ticket.link or "—"),
    ]
    for name, value in rows:
        text.append(f"{name:>15}  ", style="italic")
        text.append(one_line(value))
        text.append("\n")
    text.append(f"{'Linked issues':>15}  ", style="italic")
    tracking = [link for link in ticket.links if link.is_tracking]
    if not tracking:
        text.append("none (press i to link one)")
    for index, link in enumerate(tracking):
        if index:
            text.append("\n" + " " * 17)
        state = ctx.link_states.get(link.external_id, "state unknown")
        text.append(f"{one_line(link.short_label)} ({one_line(state)})  {one_line(link.url or '')}")
    text.append("\n")
    return text


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


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "—"
    return f"{value.strftime('%Y-%m-%d %H:%M')} UTC ({ago(value, now)})"


def _sla(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "—"
    if value <= now:
        return f"BREACHED {ago(value, now)}"
    return f"in {age(now - (value - now), now)}"


class DetailScreen(WorkerBoundary, Screen[None]):
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

    def action_conflicts(self) -> None:
        self.flows.resolve_conflicts()

    def action_help(self) -> None:
        """Help opens on the page with this screen's keys."""
        self.app.push_screen(HelpScreen(dict(keymap_of(self.app)), others=True))

    def action_copy_link(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.flows.copy_link(ticket)
