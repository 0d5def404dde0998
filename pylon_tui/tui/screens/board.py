"""The board screen's triage half: every key that changes a ticket.

Writes go `service.begin` (the board changes now) -> a worker `service.commit` (the network),
one at a time in order, so a quick H-H-L sequence reaches Pylon as typed. A refused write is
rolled back on the board and explained in a notification.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import work

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import MoveVerdict, Priority, QuickFilter, Ticket, check_move_to_column
from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.domain.safe_text import copyable_link, one_line
from pylon_tui.domain.thread import reply_target
from pylon_tui.sync.intents import Assign, Intent, Move, Note, Reply, SetPriority
from pylon_tui.sync.service import ActionFailed, ActionNotSaved, ActionQueued
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.picker import Choice, PickerModal

from .board_base import BoardBase
from .detail import DetailScreen
from pylon_tui.tui.modals.help import HelpScreen

Done = Callable[[], None] | None


class BoardScreen(BoardBase):
    # ----- sending ---------------------------------------------------------------------
    def targets(self) -> list[Ticket]:
        if self.marked:
            return [t for tid in self.marked if (t := self.board.get(tid)) is not None]
        ticket = self.current_ticket()
        return [ticket] if ticket else []

    def submit(self, action: Intent, *, undo_state: str | None = None, after: Done = None) -> None:
        try:
            pending = self.ctx.service.begin(action)
        except ActionNotSaved as refused:  # the cache cannot record it: say so, change nothing
            self.notify(str(refused), title="Not saved", severity="error", timeout=20)
            return
        if undo_state is not None:
            if self._undo_group is not None:
                self._undo_group.append((action.ticket_id, undo_state))
            else:
                self.undo_stack.append([(action.ticket_id, undo_state)])
        self.rebuild(follow=action.ticket_id if isinstance(action, Move) else None)
        self._send(pending, after)

    @work(group="writes", exit_on_error=False)
    async def _send(self, pending: object, after: Done) -> None:
        from pylon_tui.sync.service import Pending

        assert isinstance(pending, Pending)
        try:
            await self.ctx.service.commit(pending)
        except ActionFailed as failure:
            hint = f" ({failure.error.hint})" if failure.error.hint else ""
            self.notify(f"{failure}{hint}", title="Rolled back", severity="error", timeout=10)
        except ActionQueued as queued:
            self.notify(
                f"Saved, not sent yet: {queued}. It is kept safely and sent as soon as "
                "Pylon answers, even after a restart.",
                title="Queued",
                severity="warning",
            )
        finally:
            self.data_changed()
        if after is not None:
            after()

    # ----- moves -----------------------------------------------------------------------
    def move_to_column(self, tickets: list[Ticket], column: int) -> None:
        self._move_each(tickets, lambda _: column)

    def _move_each(self, tickets: list[Ticket], column_for: Callable[[Ticket], int | None]) -> None:
        """Move each ticket to its own target column; one undo entry for the whole batch."""
        self._undo_group = []
        for ticket in sorted(tickets, key=lambda t: t.number):
            column = column_for(ticket)
            if column is None:
                continue
            target = self.board.columns[column]
            check = check_move_to_column(
                ticket, target, self.board.catalog, router=self.board.router
            )
            if check.verdict is MoveVerdict.ALLOWED:
                action = Move(ticket.id, check.target_state, base_updated_at=ticket.updated_at)
                self.submit(action, undo_state=ticket.state)
            elif check.verdict is MoveVerdict.NEEDS_LINK:
                self.request_link(ticket, then_move_to=check.target_state)
            elif check.verdict is MoveVerdict.UNKNOWN_STATE:
                self.notify(check.message, severity="error")
        if self._undo_group:
            self.undo_stack.append(self._undo_group)
        self._undo_group = None
        self._clear_marks()

    def _clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.rebuild()

    def request_link(self, ticket: Ticket, *, then_move_to: str | None) -> None:
        """The On Hold gate's UI: a ticket gets a linked issue before it may go On Hold."""
        from pylon_tui.tui.modals.hold import open_hold_flow

        open_hold_flow(self, ticket, then_move_to=then_move_to)

    def _move_by(self, delta: int) -> None:
        count = len(self.board.columns)

        def column_for(ticket: Ticket) -> int | None:
            current = self.board.column_index_of(ticket.id)
            if current is None or not 0 <= current + delta < count:
                return None
            return current + delta

        self._move_each(self.targets(), column_for)

    def action_move_right(self) -> None:
        self._move_by(1)

    def action_move_left(self) -> None:
        self._move_by(-1)

    def action_move_to(self) -> None:
        tickets = self.targets()
        if not tickets:
            return
        choices = [Choice(str(i), c.title) for i, c in enumerate(self.board.columns)]

        def chosen(key: str | None) -> None:
            if key is not None:
                self.move_to_column(tickets, int(key))

        title = f"Move {len(tickets)} tickets to…" if len(tickets) > 1 else "Move to…"
        self.app.push_screen(PickerModal(title, choices), chosen)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo")
            return
        for ticket_id, state in self.undo_stack.pop():
            ticket = self.board.get(ticket_id)
            if ticket is None or ticket.state == state:
                continue
            self.submit(Move(ticket_id, state, base_updated_at=ticket.updated_at))

    # ----- fields ----------------------------------------------------------------------
    def action_priority(self, value: str) -> None:
        for ticket in self.targets():
            self.submit(SetPriority(ticket.id, Priority.parse(value)))
        self._clear_marks()

    def action_assign(self) -> None:
        tickets = self.targets()
        if not tickets:
            return
        users = sorted(self.ctx.service.directory.users.values(), key=lambda u: u.name)
        choices = [Choice("", "Unassign")]
        choices += [Choice(u.id, u.name, u.email) for u in users]

        def chosen(key: str | None) -> None:
            if key is not None:
                for ticket in tickets:
                    self.submit(Assign(ticket.id, key or None))
                self._clear_marks()

        self.app.push_screen(PickerModal("Assign to…", choices), chosen)

    def action_assign_me(self) -> None:
        me = self.ctx.service.me_id
        if me is None:
            self.notify(
                "Set me_email in config.toml to your Pylon user's email so A knows who you are",
                severity="warning",
            )
            return
        for ticket in self.targets():
            self.submit(Assign(ticket.id, me))
        self._clear_marks()

    def action_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.request_link(ticket, then_move_to=None)

    # ----- messages --------------------------------------------------------------------
    def action_reply(self, ticket_id: str | None = None, after: Done = None) -> None:
        ticket = self.board.get(ticket_id) if ticket_id else self.current_ticket()
        if ticket is not None:
            self._start_reply(ticket, after)

    @work(group="reply", exit_on_error=False)
    async def _start_reply(self, ticket: Ticket, after: Done) -> None:
        try:
            messages = await self.ctx.service.messages(ticket.id)
        except ApiError as error:
            self.notify(f"Could not load #{ticket.number}'s messages: {error}", severity="error")
            return
        customer = [m for m in messages if not m.is_private]
        if not customer:
            self.notify(f"#{ticket.number} has no customer message to reply to", severity="error")
            return
        answered = reply_target(customer) or customer[-1]
        template = self.ctx.templates.get("acknowledge", "")

        def chosen(text: str | None) -> None:
            if text:
                self.submit(Reply(ticket.id, answered.id, text_to_html(text)), after=after)

        modal = ComposeModal(
            f"Reply to #{ticket.number}",
            context=one_line(ticket.title),
            text=template,
            templates=self.ctx.templates,
        )
        self.app.push_screen(modal, chosen)

    def action_note(self, ticket_id: str | None = None, after: Done = None) -> None:
        ticket = self.board.get(ticket_id) if ticket_id else self.current_ticket()
        if ticket is None:
            return

        def chosen(text: str | None) -> None:
            if text and ticket is not None:
                self.submit(Note(ticket.id, text_to_html(text)), after=after)

        modal = ComposeModal(f"Internal note on #{ticket.number}", context=one_line(ticket.title))
        self.app.push_screen(modal, chosen)

    def run_on_ticket(self, name: str, ticket_id: str, *, after: Done = None) -> None:
        """Entry point for the detail screen, so both screens share one implementation."""
        ticket = self.board.get(ticket_id)
        if ticket is None:
            return
        if name == "reply":
            self.action_reply(ticket_id, after)
        elif name == "note":
            self.action_note(ticket_id, after)
        elif name == "link":
            self.request_link(ticket, then_move_to=None)
        elif name == "copy_link":
            self._copy(ticket)

    # ----- find ------------------------------------------------------------------------
    def action_quick_filter(self) -> None:
        choices = [
            Choice(q.value, ("✓ " if q in self.filter.quick else "  ") + q.label)
            for q in QuickFilter
        ]
        choices.append(Choice("clear", "  Clear all filters"))

        def chosen(key: str | None) -> None:
            if key == "clear":
                self.filter = type(self.filter)()
            elif key is not None:
                quick = QuickFilter(key)
                if quick is QuickFilter.MINE and self.ctx.service.me_id is None:
                    self.notify(
                        "Set me_email in config.toml to use the Mine filter", severity="warning"
                    )
                    return
                self.filter = self.filter.toggled(quick)
            self.rebuild()

        self.app.push_screen(PickerModal("Quick filters (toggle)", choices), chosen)

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
        hidden = self.board.hidden()
        if not hidden:
            self.notify("Every ticket is on the board")
            return
        catalog = self.board.catalog
        choices = [
            Choice(t.id, f"#{t.number} {t.title}", catalog.label_of(t.state)) for t in hidden
        ]

        def chosen(key: str | None) -> None:
            if key:
                self.app.push_screen(DetailScreen(self.ctx, key))

        self.app.push_screen(PickerModal("Tickets in other states", choices), chosen)

    # ----- misc ------------------------------------------------------------------------
    def action_open_detail(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.app.push_screen(DetailScreen(self.ctx, ticket.id), lambda _: self.rebuild())

    def action_copy_link(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self._copy(ticket)

    def _copy(self, ticket: Ticket) -> None:
        link = copyable_link(ticket.link)
        if link is None:
            problem = (
                "has no Pylon link"
                if not ticket.link
                else "has a link that is not one plain http(s) URL: not copied"
            )
            self.notify(f"#{ticket.number} {problem}", severity="warning")
            return
        self.app.copy_to_clipboard(link)
        self.notify(f"Copied {link}")

    def action_refresh(self) -> None:
        from pylon_tui.tui.app import PylonApp

        if isinstance(self.app, PylonApp):
            self.app.refresh_board()

    def action_help(self) -> None:
        from pylon_tui.tui.app import PylonApp

        keymap = self.app.keymap_overrides if isinstance(self.app, PylonApp) else {}
        self.app.push_screen(HelpScreen(keymap))

    async def action_quit(self) -> None:
        """Wait (bounded) for writes still in flight: quitting must never drop a move."""
        writes = [w for w in self.app.workers if w.group == "writes" and not w.is_finished]
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
