"""A ticket's fields as a block of text: the detail screen's top and the wide board's pane.

Every value is passed through `one_line`: titles, names and states are untrusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from pylon_tui.domain import Directory, Ticket
from pylon_tui.domain.blast import waiting_label
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age, ago

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext


def ticket_fields(
    ticket: Ticket,
    directory: Directory,
    ctx: AppContext,
    *,
    waiting: Mapping[str, int] | None = None,
    hint: str = "",
) -> Text:
    """`waiting` and `hint` are the board's linked-issue facts (the cards show the same):
    "· 4 waiting" after a linked issue, and a New ticket's "like #23 (ENG-12)"."""
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
        ("1st reply due", _sla(ctx.sla.first_response_due(ticket), now)),
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
        if hint:
            text.append(f"; looks {one_line(hint)} (I links it the same way)")
    for index, link in enumerate(tracking):
        if index:
            text.append("\n" + " " * 17)
        state = ctx.link_states.get(link.external_id, "state unknown")
        count = waiting_label((waiting or {}).get(link.external_id, 0))
        label = f"{one_line(link.short_label)} ({one_line(state)}){count}"
        text.append(f"{label}  {one_line(link.url or '')}")
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
