"""Undo: take back the user's last action, only where it still stands, and say what happened.

The stack holds the user's own moves, priorities, assignees and links (never syncs or
auto-returns). A ticket that Pylon, a teammate or the link watcher changed since is left
alone and named, so undo never overwrites someone else's newer change with a stale one.
"""

from __future__ import annotations

from pylon_tui.domain import Ticket
from pylon_tui.sync.undo import Done, plan_undo

from .runner import FlowRunner
from .said import changed_since, listed, phrase


class UndoFlow(FlowRunner):
    def undo(self) -> list[str]:
        """Undo the newest action; returns the ids of the tickets put back (focus follows the
        last). The entry is spent either way: a change that no longer stands never will."""
        entry = self.undo_stack.pop()
        if entry is None:
            self.notify("Nothing to undo")
            return []
        plan = plan_undo(entry, self.board.get)
        failed: set[str] = set()
        for intent in plan.reverts:
            if intent.ticket_id not in failed and self.submit(intent) is None:
                failed.add(intent.ticket_id)  # the cache refused it: submit said so
        undone = [done for done in plan.undone if done.intent.ticket_id not in failed]
        if undone:
            self.notify(f"Undid: {self._undone_text(undone)}", title="Undo")
        if plan.changed:
            self.notify(self._changed_text(plan.changed), title="Not undone", severity="warning")
        return list(dict.fromkeys(done.intent.ticket_id for done in undone))

    def _undone_text(self, undone: list[Done]) -> str:
        """ "#12 moved to On Hold", "#3 and #4 moved to On You", "#9 linked to ENG-5 and moved
        to On Hold": tickets whose changes read alike are named together."""
        directory = self.ctx.service.directory
        per_ticket: dict[str, list[str]] = {}
        numbers: dict[str, int] = {}
        for done in undone:
            ticket_id = done.intent.ticket_id
            numbers[ticket_id] = done.after.number
            per_ticket.setdefault(ticket_id, []).append(phrase(done.intent, self.board, directory))
        alike: dict[str, list[int]] = {}
        for ticket_id, phrases in per_ticket.items():
            alike.setdefault(" and ".join(phrases), []).append(numbers[ticket_id])
        return "; ".join(
            f"{listed([f'#{n}' for n in sorted(group)])} {what}" for what, group in alike.items()
        )

    def _changed_text(self, changed: list[tuple[Done, Ticket | None]]) -> str:
        """ "#71 changed since (now Waiting on Customer): nothing undone"."""
        directory = self.ctx.service.directory
        whys = [
            (done.after.number, changed_since(done.after, now, self.board, directory))
            for done, now in changed
        ]
        if len(whys) == 1:
            number, why = whys[0]
            return f"#{number} changed since ({why}): nothing undone"
        parts = listed([f"#{number} ({why})" for number, why in whys])
        return f"{parts} changed since: nothing undone for them"
