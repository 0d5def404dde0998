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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from pylon_tui.domain import Directory, Priority, Ticket
from pylon_tui.domain.blast import waiting_label
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.similar import SameIssueHint
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
    sla: dict[Urgency, Style] = field(default_factory=dict)
    """The SLA countdown's style by how near the breach is (meta style when missing)."""


@dataclass(frozen=True, slots=True)
class CardField:
    """One item of a card's second line; `more` fields show only on wide cards."""

    name: str
    text: str
    more: bool = False
    urgency: Urgency | None = None
    """For the SLA countdown: how near the breach is (its colour)."""
    said: str = ""
    """How the preview strip says it, where the card has room only for `text`."""


def card_title(ticket: Ticket, marked: bool) -> tuple[str, str]:
    mark = MARKED if marked else " "
    return mark + BADGES[ticket.priority], f" #{ticket.number} {one_line(ticket.title)}"


RESOLUTION_ONLY = SlaPolicy()
"""Without a configured policy a card still counts down to Pylon's resolution breach."""


def sla_field(ticket: Ticket, sla: SlaPolicy | None, now: datetime) -> CardField | None:
    """ "⏱12m" to the ticket's next SLA breach ("⏱-3h" once breached), and how near it is."""
    deadline = (sla or RESOLUTION_ONLY).next_deadline(ticket)
    if deadline is None:
        return None
    return CardField("sla", f"⏱{deadline.countdown(now)}", urgency=deadline.urgency(now))


def card_fields(
    ticket: Ticket,
    directory: Directory,
    now: datetime,
    link_states: dict[str, str],
    sla: SlaPolicy | None = None,
    *,
    waiting: Mapping[str, int] | None = None,
    hint: SameIssueHint | None = None,
) -> list[CardField]:
    """The fields of a card, most useful first: the SLA countdown (SLA-first triage), the
    waiting age, a New ticket's `hint` ("≈#23", said "like #23 (ENG-12)" in the preview: the
    On Hold ticket it resembles, `I` links it the same way), account, assignee, linked
    issues with their state and how many open tickets wait on each (`waiting`: "ENG-13 · 4
    waiting"); then the `more` fields wide cards also show."""
    clock = sla_field(ticket, sla, now)
    fields = [clock] if clock is not None else []
    fields.append(CardField("age", age(ticket.waiting_since(), now)))
    if hint is not None:  # short and early: at 80x24 "≈#47" still shows beside the age
        fields.append(CardField("hint", hint.short, said=one_line(hint.text)))
    fields.append(CardField("account", one_line(directory.account_name(ticket.account_id)) or "—"))
    assignee = directory.user_name(ticket.assignee_id)
    if assignee:
        fields.append(CardField("assignee", one_line(assignee)))
    for link in ticket.links:
        if link.is_tracking:
            state = link_states.get(link.external_id)
            label = one_line(link.short_label)
            text = f"{label} {one_line(state)}" if state else label
            count = (waiting or {}).get(link.external_id, 0)
            fields.append(CardField("link", text + waiting_label(count)))
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
    sla: SlaPolicy | None = None,
) -> str:
    """A card's second line as text (the naive bench's baseline draws with it)."""
    return "  " + joined(shown_fields(card_fields(ticket, directory, now, link_states, sla), more))


def shown_fields(fields: list[CardField], more: bool) -> list[CardField]:
    """The fields a card of this width shows: all but the empty, and `more` ones when wide."""
    return [f for f in fields if f.text and (more or not f.more)]


def joined(fields: list[CardField]) -> str:
    return " · ".join(f.text for f in fields)


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
    sla: SlaPolicy | None = None,
    waiting: Mapping[str, int] | None = None,
    hint: SameIssueHint | None = None,
) -> list[Segment]:
    """One line of a card. The focused card (`is_cursor`) is drawn whole in the cursor style,
    its priority letter included (a coloured letter on the cursor's background is what made
    it invisible in 16 colours); a remembered row only gets `REMEMBERED` in its first cell.
    The SLA countdown leads the second line in its urgency's colour."""
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
    style = (styles.cursor_meta or styles.cursor) if is_cursor else styles.meta
    fields = card_fields(ticket, directory, now, link_states, sla, waiting=waiting, hint=hint)
    shown = shown_fields(fields, more)
    clock = shown[0] if shown and shown[0].urgency is not None else None
    if clock is None or width < 12:
        return [Segment(fit("  " + joined(shown), width), style)]
    lead = f"  {clock.text}"
    # On the focused card the cursor's colours stay (a red countdown on the cursor's
    # background is the invisible-in-16-colours problem again).
    urgency = styles.sla.get(clock.urgency or Urgency.CALM, Style())
    clock_style = style if is_cursor else style + urgency
    rest = fit(" " + joined(shown[1:]), width - cell_len(lead))
    return [Segment(lead, clock_style), Segment(rest, style)]


def fit(text: str, width: int) -> str:
    """Exactly `width` cells (wide CJK/emoji counted right), with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
