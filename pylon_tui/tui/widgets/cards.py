"""How a ticket becomes two terminal lines. Untrusted text goes through `one_line` first and
is emitted as plain Segments, so markup or escape sequences in a title are inert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from pylon_tui.domain import Directory, Priority, Ticket
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.sla import SlaPolicy, Urgency
from pylon_tui.domain.timefmt import age

CARD_HEIGHT = 2

BADGES: dict[Priority | None, str] = {
    Priority.URGENT: "U",
    Priority.HIGH: "H",
    Priority.MEDIUM: "M",
    Priority.LOW: "L",
    None: "·",
}


@dataclass(frozen=True, slots=True)
class CardStyles:
    """Resolved from the column's component classes so themes and NO_COLOR apply."""

    base: Style
    meta: Style
    cursor: Style
    selected: Style
    badges: dict[Priority | None, Style]
    sla: dict[Urgency, Style] = field(default_factory=dict)
    """The SLA countdown's style by how near the breach is (meta style when missing)."""


def card_title(ticket: Ticket, marked: bool) -> tuple[str, str]:
    mark = "●" if marked else " "
    return mark + BADGES[ticket.priority], f" #{ticket.number} {one_line(ticket.title)}"


def card_meta(
    ticket: Ticket, directory: Directory, now: datetime, link_states: dict[str, str]
) -> str:
    parts = [one_line(directory.account_name(ticket.account_id)) or "—"]
    parts.append(age(ticket.waiting_since(), now))
    assignee = directory.user_name(ticket.assignee_id)
    if assignee:
        parts.append(one_line(assignee))
    for link in ticket.links:
        if link.is_tracking:
            state = link_states.get(link.external_id)
            label = one_line(link.short_label)
            parts.append(f"{label} {one_line(state)}" if state else label)
    return "  " + " · ".join(part for part in parts if part)


def card_segments(
    ticket: Ticket,
    part: int,
    width: int,
    *,
    styles: CardStyles,
    is_cursor: bool,
    marked: bool,
    directory: Directory,
    now: datetime,
    link_states: dict[str, str],
    sla: SlaPolicy | None = None,
) -> list[Segment]:
    if part == 0:
        badge, title = card_title(ticket, marked)
        base = styles.cursor if is_cursor else styles.base
        badge_style = base + styles.badges[ticket.priority]
        if marked:
            badge_style += styles.selected
        return [Segment(badge, badge_style), Segment(fit(title, width - 2), base)]
    meta = card_meta(ticket, directory, now, link_states)
    style = (styles.cursor + styles.meta) if is_cursor else styles.meta
    clock = sla_countdown(ticket, sla, now)
    if clock is None or width < 12:
        return [Segment(fit(meta, width), style)]
    text, urgency = clock
    lead = f"  {text}"
    clock_style = style + styles.sla.get(urgency, Style())
    rest = fit(" " + meta.lstrip(), width - cell_len(lead))
    return [Segment(lead, clock_style), Segment(rest, style)]


def sla_countdown(
    ticket: Ticket, sla: SlaPolicy | None, now: datetime
) -> tuple[str, Urgency] | None:
    """ "⏱12m" to the ticket's next SLA breach ("⏱-3h" once breached), and how near it is."""
    deadline = sla.next_deadline(ticket) if sla is not None else None
    if deadline is None:
        return None
    return f"⏱{deadline.countdown(now)}", deadline.urgency(now)


def fit(text: str, width: int) -> str:
    """Exactly `width` cells (wide CJK/emoji counted right), with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
