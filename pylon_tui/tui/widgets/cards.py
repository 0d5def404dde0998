"""How a ticket becomes two terminal lines, and the fields a card can show.

Untrusted text goes through `one_line` first and is emitted as plain Segments, so markup or
escape sequences in a title are inert.

A card's second line is a list of fields (`card_fields`) joined by " · ", most useful first:
at 80x24 a column is 19 cells wide, so the waiting age leads and the rest is cut. The
focused card's every field is in the preview strip (widgets/preview.py) or the wide
layout's detail pane. A new card field (SLA, blast radius, …) is one more entry in
`card_fields`: the card, the preview and the pane all read that list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from pylon_tui.domain import Directory, Priority, Ticket
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age, ago

CARD_HEIGHT = 2

BADGES: dict[Priority | None, str] = {
    Priority.URGENT: "U",
    Priority.HIGH: "H",
    Priority.MEDIUM: "M",
    Priority.LOW: "L",
    None: "·",
}

REMEMBERED = "›"
"""The one cell that marks a column's remembered row while the cursor is in another column:
the focused card is the only one drawn highlighted."""
MARKED = "●"


@dataclass(frozen=True, slots=True)
class CardStyles:
    """Resolved from the column's component classes so themes and NO_COLOR apply."""

    base: Style
    meta: Style
    cursor: Style
    selected: Style
    badges: dict[Priority | None, Style]
    cursor_meta: Style | None = None
    remembered: Style | None = None


@dataclass(frozen=True, slots=True)
class CardField:
    """One item of a card's second line; `more` fields show only on wide cards."""

    name: str
    text: str
    more: bool = False


def card_title(ticket: Ticket, marked: bool) -> tuple[str, str]:
    mark = MARKED if marked else " "
    return mark + BADGES[ticket.priority], f" #{ticket.number} {one_line(ticket.title)}"


def sla_text(deadline: datetime | None, now: datetime) -> str | None:
    if deadline is None:
        return None
    if deadline <= now:
        return f"SLA breached {ago(deadline, now)}"
    return f"SLA in {age(now - (deadline - now), now)}"


def card_fields(
    ticket: Ticket, directory: Directory, now: datetime, link_states: dict[str, str]
) -> list[CardField]:
    """The fields of a card, most useful first: waiting age, account, assignee, linked
    issues with their state; then the `more` fields wide cards also show."""
    fields = [CardField("age", age(ticket.waiting_since(), now))]
    fields.append(CardField("account", one_line(directory.account_name(ticket.account_id)) or "—"))
    assignee = directory.user_name(ticket.assignee_id)
    if assignee:
        fields.append(CardField("assignee", one_line(assignee)))
    for link in ticket.links:
        if link.is_tracking:
            state = link_states.get(link.external_id)
            label = one_line(link.short_label)
            fields.append(CardField("link", f"{label} {one_line(state)}" if state else label))
    sla = sla_text(ticket.resolution_breach_time, now) if ticket.state != "closed" else None
    if sla:
        fields.append(CardField("sla", sla, more=True))
    if ticket.tags:
        fields.append(CardField("tags", " ".join(f"#{one_line(t)}" for t in ticket.tags), True))
    return fields


def card_meta(
    ticket: Ticket,
    directory: Directory,
    now: datetime,
    link_states: dict[str, str],
    *,
    more: bool = False,
) -> str:
    fields = card_fields(ticket, directory, now, link_states)
    return "  " + " · ".join(f.text for f in fields if f.text and (more or not f.more))


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
    remembered: bool = False,
    more: bool = False,
) -> list[Segment]:
    """One line of a card. The focused card (`is_cursor`) is drawn whole in the cursor style,
    its priority letter included (a coloured letter on the cursor's background is what made
    it invisible in 16 colours); a remembered row only gets `REMEMBERED` in its first cell."""
    if part == 0:
        badge, title = card_title(ticket, marked)
        if is_cursor:
            lead_style = badge_style = styles.cursor
        else:
            badge_style = styles.base + styles.badges[ticket.priority]
            lead_style = styles.selected if marked else styles.base
            if remembered and not marked:
                badge = REMEMBERED + badge[1]
                lead_style = styles.remembered or styles.base
        if marked:
            lead_style = lead_style + styles.selected
        base = styles.cursor if is_cursor else styles.base
        return [
            Segment(badge[0], lead_style),
            Segment(badge[1], badge_style),
            Segment(fit(title, width - 2), base),
        ]
    meta = card_meta(ticket, directory, now, link_states, more=more)
    style = (styles.cursor_meta or styles.cursor) if is_cursor else styles.meta
    return [Segment(fit(meta, width), style)]


def fit(text: str, width: int) -> str:
    """Exactly `width` cells (wide CJK/emoji counted right), with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
