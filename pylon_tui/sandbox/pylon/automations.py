"""Pylon's automatic status moves (its statuses page), played by the sandbox.

Live Pylon moves tickets by itself, and a client that does not expect it loses cards:
- after a public reply, Pylon's AI usually hands the ticket to the customer
  (`waiting_on_customer`) a moment later: the reply's own answer shows nothing, a later read
  shows the move. A reply is public activity, so this also takes an On Hold ticket out of
  On Hold;
- new public activity from the customer takes a ticket out of On Hold (to `waiting_on_you`);
- linking an unfinished engineering issue (Linear) moves the ticket to On Hold at once.

"A moment later" is played deterministically, so tests can drive it: the AI's move falls due
`reply_delay` after the reply on the sandbox's clock and is made at the start of the first
Pylon request at or after that time (with the default delay of 0, the very next request).
Nothing happens between requests. The move is dropped if the ticket's state changed
meanwhile or the customer wrote again (the AI would decide afresh).

Switched off (`enabled = False`), the sandbox keeps the simpler rules older tests were written
against: a reply moves a New or On You ticket to `waiting_on_customer` within the reply
itself, an On Hold ticket stays On Hold, and a link moves nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..linear import trash
from ..linear.resolvers import CLOSED_TYPES
from ..util import iso
from . import render as R

REPLIED = "waiting_on_customer"
"""Where Pylon's AI puts a ticket the team just answered."""
CUSTOMER_WROTE = "waiting_on_you"
HOLD = "on_hold"
_CATEGORY = {slug: slug for slug, _ in R.BASE_STATUSES} | {
    slug: category for slug, _, category, _ in R.CUSTOM_STATUSES
}
_OLD_REPLY_MOVES = ("new", "waiting_on_you")
_OLD_CUSTOMER_MOVES = ("waiting_on_customer", "on_hold", "closed")

Touch = Callable[[sqlite3.Row, dict[str, Any]], None]


def category(state: str) -> str:
    """A status slug's base category (a custom slug's is in GET /issue-statuses)."""
    return _CATEGORY.get(state, state)


class Automations:
    """What Pylon does on its own after a reply, a customer message or a link."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock
        self.enabled = True
        self.reply_delay = timedelta(0)
        """How long after a reply Pylon's AI moves the ticket (on the sandbox's clock)."""

    def after_reply(self, row: sqlite3.Row, reply_id: str) -> dict[str, Any]:
        """Changes made with the reply itself; the AI's move is only scheduled."""
        if not self.enabled:
            return {"state": REPLIED} if row["state"] in _OLD_REPLY_MOVES else {}
        if category(row["state"]) in ("new", "waiting_on_you", HOLD):
            due = iso(self.clock() + self.reply_delay)
            self.conn.execute(
                "INSERT OR REPLACE INTO pylon_automations VALUES (?, ?, ?, ?)",
                (row["id"], due, reply_id, row["state"]),
            )
        return {}

    def after_customer_message(self, row: sqlite3.Row) -> dict[str, Any]:
        """The customer wrote: the ball is back with the team, and out of On Hold (a snooze
        ends too)."""
        self.conn.execute("DELETE FROM pylon_automations WHERE issue_id = ?", (row["id"],))
        self.conn.execute("DELETE FROM pylon_snoozes WHERE issue_id = ?", (row["id"],))
        state = row["state"]
        if self.enabled:
            moves = category(state) in ("waiting_on_customer", HOLD, "closed")
        else:
            moves = state in _OLD_CUSTOMER_MOVES
        if not moves:
            return {}
        return {"state": CUSTOMER_WROTE, "resolution_time": None}

    def after_link(self, row: sqlite3.Row, source: str, external_id: str) -> dict[str, Any]:
        """A newly linked unfinished Linear issue puts an open ticket On Hold."""
        if not self.enabled or source != "linear" or category(row["state"]) in (HOLD, "closed"):
            return {}
        found = self.conn.execute(
            "SELECT s.type FROM linear_issues i JOIN linear_states s ON s.id = i.state_id"
            " WHERE i.id = ?",
            (external_id,),
        ).fetchone()
        if found is None or found["type"] in CLOSED_TYPES:
            return {}
        if external_id in trash.trashed(self.conn):
            return {}
        return {"state": HOLD}

    def run_due(self, touch: Touch) -> int:
        """Make the AI's moves that are due (called before each Pylon request); how many."""
        due = self.conn.execute(
            "SELECT * FROM pylon_automations WHERE due <= ?", (iso(self.clock()),)
        ).fetchall()
        moved = 0
        for pending in due:
            self.conn.execute(
                "DELETE FROM pylon_automations WHERE issue_id = ?", (pending["issue_id"],)
            )
            row = self.conn.execute(
                "SELECT * FROM issues WHERE id = ?", (pending["issue_id"],)
            ).fetchone()
            if not self.enabled or row is None or row["state"] != pending["from_state"]:
                continue
            touch(row, {"state": REPLIED})
            moved += 1
        return moved + self.wake_snoozed(touch)

    def wake_snoozed(self, touch: Touch) -> int:
        """Snoozes whose time has come end: a ticket still On Hold goes back to On You."""
        due = self.conn.execute(
            "SELECT * FROM pylon_snoozes WHERE until <= ?", (iso(self.clock()),)
        ).fetchall()
        for snoozed in due:
            self.conn.execute(
                "DELETE FROM pylon_snoozes WHERE issue_id = ?", (snoozed["issue_id"],)
            )
            row = self.conn.execute(
                "SELECT * FROM issues WHERE id = ?", (snoozed["issue_id"],)
            ).fetchone()
            if row is not None:
                touch(row, {"state": CUSTOMER_WROTE} if row["state"] == HOLD else {})
        return len(due)
