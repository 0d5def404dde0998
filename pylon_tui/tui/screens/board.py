"""The board screen's triage half: every key that changes a ticket.

Each key is a line or two over `Flows`. Paths without a dialog (move, priority, assign me,
undo) change the board and repaint in the same key press; the network work runs behind.
Paths that ask first (pickers, compose, the On Hold gate) run as flows on the app and the
board repaints when they are done. The board names no other screen: the detail screen is
asked for with an `OpenTicket` message, which the app answers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pylon_tui.domain import Priority, Ticket, TicketFilter
from pylon_tui.tui.catalog import keymap_of
from pylon_tui.tui.flows import WRITES_GROUP
from pylon_tui.tui.messages import OpenTicket, RefreshRequested, TicketsChanged
from pylon_tui.tui.modals.help import HelpScreen

from .board_base import BoardBase

if TYPE_CHECKING:
    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows


class BoardScreen(BoardBase):
    def __init__(self, ctx: AppContext, flows: Flows) -> None:
        super().__init__(ctx)
        self.flows = flows

    def targets(self) -> list[Ticket]:
        if self.marked:
            return [t for tid in self.marked if (t := self.board.get(tid)) is not None]
        ticket = self.current_ticket()
        return [ticket] if ticket else []

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        if message.follow is not None:
            self.rebuild(follow=message.follow)
        else:
            self.data_changed()

    # ----- moves -----------------------------------------------------------------------
    def move_to_column(self, tickets: list[Ticket], column: int) -> None:
        self._moved(self.flows.move_to_column(tickets, column))

    def _moved(self, moved: list[str] | None) -> None:
        """Focus follows the last card moved, and a bulk selection is spent (None: the
        user cancelled, the selection stays)."""
        if moved is None:
            return
        if moved:
            self.rebuild(follow=moved[-1])
        self._clear_marks()

    def _clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.rebuild()

    def _move_by(self, delta: int) -> None:
        count = len(self.board.columns)

        def column_for(ticket: Ticket) -> int | None:
            current = self.board.column_index_of(ticket.id)
            if current is None or not 0 <= current + delta < count:
                return None
            return current + delta

        self._moved(self.flows.move(self.targets(), column_for))

    def action_move_right(self) -> None:
        self._move_by(1)

    def action_move_left(self) -> None:
        self._move_by(-1)

    def action_move_to(self) -> None:
        tickets = self.targets()
        if tickets:
            self.flows.start(self.flows.move_to(tickets), then=self._moved)

    def action_undo(self) -> None:
        moved = self.flows.undo()
        if moved:
            self.rebuild(follow=moved[-1])

    # ----- fields ----------------------------------------------------------------------
    def action_priority(self, value: str) -> None:
        if self.flows.set_priority(self.targets(), Priority.parse(value)):
            self.rebuild()
        self._clear_marks()

    def action_assign(self) -> None:
        tickets = self.targets()
        if tickets:
            self.flows.start(self.flows.assign(tickets), then=self._assigned)

    def _assigned(self, chosen: bool) -> None:
        if chosen:
            self.rebuild()
            self._clear_marks()

    def action_assign_me(self) -> None:
        if self.flows.assign_me(self.targets()):
            self.rebuild()
            self._clear_marks()

    def action_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.hold(ticket, then_move_to=None))

    # ----- messages --------------------------------------------------------------------
    def action_reply(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.reply(ticket))

    def action_note(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.note(ticket))

    # ----- find ------------------------------------------------------------------------
    def action_quick_filter(self) -> None:
        self.flows.start(self.flows.quick_filter(self.filter), then=self._filtered)

    def _filtered(self, chosen: TicketFilter | None) -> None:
        if chosen is not None:
            self.filter = chosen
            self.rebuild()

    def action_toggle_select(self) -> None:
        frame = self.board_view.toggle_current_mark()
        if frame is None:
            return
        self.paint([frame])
        self._move_row(1)
        self.update_bars()

    def action_clear(self) -> None:
        if self.marked:
            self.marked.clear()
            self.rebuild()
        elif self.filter.active:
            self.filter = type(self.filter)()
            self.rebuild()

    def action_other_states(self) -> None:
        self.flows.start(self.flows.pick_hidden(), then=self._open)

    def _open(self, ticket_id: str | None) -> None:
        if ticket_id:
            self.post_message(OpenTicket(ticket_id))

    # ----- misc ------------------------------------------------------------------------
    def action_open_detail(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.post_message(OpenTicket(ticket.id))

    def action_copy_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.copy_link(ticket)

    def action_refresh(self) -> None:
        self.post_message(RefreshRequested())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(dict(keymap_of(self.app))))

    async def action_quit(self) -> None:
        """Wait (bounded) for writes still in flight: quitting must never drop a move."""
        writes = [w for w in self.app.workers if w.group == WRITES_GROUP and not w.is_finished]
        if writes:
            self.notify(f"Sending {len(writes)} change(s) before quitting…")
            # asyncio.wait never raises: a cancelled or failed write must not turn quitting
            # into a traceback (its intent is safe in the outbox either way).
            tasks = [asyncio.ensure_future(w.wait()) for w in writes]
            done, late = await asyncio.wait(tasks, timeout=15)
            for task in late:
                task.cancel()
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved: nothing is logged as "never retrieved"
        left = self.ctx.service.pending_count()
        message = (
            f"{left} change(s) not sent yet: they are saved and will be sent the next time "
            "pylon-tui starts."
            if left
            else None
        )
        self.app.exit(message=message)
