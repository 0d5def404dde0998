"""What the user is told about Pylon's own moves (issue 9 item 10).

Pylon moves tickets by itself: its AI hands a replied ticket to the customer (a state no default
column shows, so the card vanishes a moment after the reply), and any public activity takes a
ticket out of On Hold. The board says where a vanished card went, and the reply editor says
before sending when the reply will take the ticket out of On Hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pylon_tui.domain import StateCatalog, Ticket
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import Departure
from pylon_tui.tui.catalog import hint

ONE_BY_ONE = 3
"""Up to this many departures get a toast each; more (a night's worth) share one."""
NAMED = 8
ON_HOLD_REPLY = "sending a public reply takes this ticket out of On Hold in Pylon"


def departure_toasts(gone: Sequence[Departure], keymap: Mapping[str, str]) -> list[str]:
    """One line per departure, or one for them all; each says how to find them again."""
    if not gone:
        return []
    find = hint(keymap, ("other_states", "lists tickets in other states"))
    if len(gone) <= ONE_BY_ONE:
        return [f"{d.describe()} · {find}" for d in gone]
    numbers = ", ".join(f"#{d.number}" for d in gone[:NAMED])
    more = f" and {len(gone) - NAMED} more" if len(gone) > NAMED else ""
    states = ", ".join(sorted({d.label for d in gone}))
    return [
        f"{len(gone)} tickets moved in Pylon to states no column shows ({states}): "
        f"{numbers}{more} · {find}"
    ]


def reply_context(ticket: Ticket, catalog: StateCatalog) -> str:
    """The compose dialog's context line: the title, after the warning when it applies."""
    title = one_line(ticket.title)
    if catalog.is_on_hold(ticket.state):
        return f"{ON_HOLD_REPLY} · {title}"
    return title
