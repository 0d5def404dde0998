"""Issue 15's flows: undo send, the collision guard's dialog, the ready-to-tell queue, the
same-issue link and the grouped On Hold view.

Undo send: with a grace period configured, a reply or note is queued with a hold (see
sync.send_holds) and the status bar counts down; `u` takes back the newest one still
waiting (its words go back into the editor) before it undoes anything else. A reply the
customer wrote past is held and counted with the conflicts; the conflicts key shows the new
messages, and the user sends as is, edits or drops it. Nothing here opens by itself.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Ticket
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.similar import SameIssueHint
from pylon_tui.sync import ActionNotSaved, Link, Move, Note, Reply
from pylon_tui.sync.drafts import DraftKind
from pylon_tui.sync.outcomes import Held
from pylon_tui.sync.ready import ReadyToTell
from pylon_tui.sync.send_holds import Waiting, new_messages
from pylon_tui.tui.catalog import keymap_of, keys_in_effect
from pylon_tui.tui.messages import OpenTicket, TicketsChanged, broadcast
from pylon_tui.tui.modals.collision import CollisionModal
from pylon_tui.tui.modals.grouped import GroupedView
from pylon_tui.tui.modals.picker import SEND_ALL, Choice, ReadyPicker

from .drafts import settle_draft
from .fields import FieldFlows

if TYPE_CHECKING:
    from textual.app import App
    from textual.worker import Worker

    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.link_facts import LinkFacts


class SendFlows(FieldFlows):
    def __init__(self, app: App[Any], ctx: AppContext) -> None:
        super().__init__(app, ctx)
        self._held: list[Held] = []

    # ----- queuing a message ------------------------------------------------------------
    def send_message(
        self, intent: Reply | Note, ticket: Ticket, kind: DraftKind, text: str, seen_at: float
    ) -> Worker[None] | bool | None:
        """Send now (no grace period: the worker), or queue with the grace period (True);
        None when the cache refused it (the text stays the draft, and the user is told)."""
        grace = self.ctx.send_grace
        if grace <= 0:
            sending = self.submit(intent)
            settle_draft(self.ctx.service, sending, ticket, kind, text, self.notify)
            return sending
        try:
            self.ctx.service.begin_later(
                intent, grace=grace, seen_at=seen_at if isinstance(intent, Reply) else None
            )
        except ActionNotSaved as refused:
            self.notify(str(refused), title="Not saved", severity="error", timeout=20)
            settle_draft(self.ctx.service, None, ticket, kind, text, self.notify)
            return None
        settle_draft(self.ctx.service, True, ticket, kind, text, self.notify)
        self.app.set_timer(grace + 0.2, self._due)
        broadcast(self.app, TicketsChanged)
        return True

    def _due(self) -> None:
        drain = getattr(self.app, "drain_outbox", None)
        if callable(drain):
            drain()

    def sending_text(self, now: float | None = None) -> str:
        """The status bar's countdown: "reply to #23 sends in 7s (u takes it back)"."""
        waiting = [w for w in self.ctx.service.waiting_sends() if not w.held]
        if not waiting:
            return ""
        now = time.time() if now is None else now
        first = waiting[0]
        ticket = self.board.get(first.action.ticket_id)
        where = f"#{ticket.number}" if ticket is not None else "a ticket"
        noun = "reply to" if isinstance(first.action, Reply) else "note on"
        key = keys_in_effect("undo", keymap_of(self.app)).split(" ", 1)[0]
        left = first.seconds_left(now)
        more = f" (+{len(waiting) - 1})" if len(waiting) > 1 else ""
        when = f"sends in {left}s" if left else "sending"
        return f"{noun} {where} {when}{more} ({key} takes it back)"

    # ----- undo: a waiting send first ---------------------------------------------------
    def undo(self) -> list[str]:
        if self.take_back_send():
            return []
        return super().undo()

    def take_back_send(self) -> bool:
        """Take back the newest reply or note still in its grace period, into the editor.
        False when none waits (undo then undoes the last board action)."""
        waiting = [w for w in self.ctx.service.waiting_sends() if not w.held]
        if not waiting:
            return False
        newest = max(waiting, key=lambda w: w.hold.send_after)
        if not self.ctx.service.take_back(newest.action.client_key):
            self.notify("Too late to take it back: it is being sent", severity="warning")
            return True
        self._reopen(newest)
        broadcast(self.app, TicketsChanged)
        return True

    def _reopen(self, waiting: Waiting, *, say: str = "Took back") -> None:
        action = waiting.action
        assert isinstance(action, Reply | Note)
        kind: DraftKind = "reply" if isinstance(action, Reply) else "note"
        self.ctx.service.save_draft(action.ticket_id, kind, html_to_text(action.body_html))
        ticket = self.board.get(action.ticket_id)
        where = f"#{ticket.number}" if ticket is not None else "the ticket"
        if ticket is None:
            self.notify(f"{say} your {kind}: it is kept as {where}'s draft")
            return
        self.notify(f"{say} your {kind} on {where}: it is back in the editor, not sent")
        flow = getattr(self, kind)
        self.start(flow(ticket))

    # ----- the collision guard ----------------------------------------------------------
    def held_arrived(self, held: list[Held]) -> None:
        known = {h.action.client_key for h in self._held}
        new = [h for h in held if h.action.client_key not in known]
        self._held.extend(new)
        if new:
            key = keys_in_effect("conflicts", keymap_of(self.app)).split(" ", 1)[0]
            ticket = self.board.get(new[0].action.ticket_id)
            where = f"#{ticket.number}" if ticket is not None else "a ticket"
            self.notify(
                f"The customer wrote on {where} while your reply waited: it is held, "
                f"press {key} to see what they said",
                title="Reply held",
                severity="warning",
            )
        broadcast(self.app, TicketsChanged)

    @property
    def held_count(self) -> int:
        return len(self._held)

    async def resolve_held(self) -> bool:
        """One dialog per held reply, oldest first; True when one was released to send."""
        released = False
        service = self.ctx.service
        while self._held:
            held = self._held[0]
            action = held.action
            assert isinstance(action, Reply)
            waiting = next(
                (w for w in service.waiting_sends() if w.action.client_key == action.client_key),
                None,
            )
            if waiting is None:  # gone meanwhile (another window decided)
                self._held.pop(0)
                continue
            try:
                thread = await service.messages(action.ticket_id)
            except ApiError as error:
                self.notify(f"Could not load the thread: {error}", severity="error")
                return released
            since = waiting.hold.seen_at or 0.0
            ticket = self.board.get(action.ticket_id)
            dialog = CollisionModal(
                ticket.number if ticket is not None else 0,
                ticket.title if ticket is not None else "",
                html_to_text(action.body_html),
                list(new_messages(thread, since)) or list(held.new),
            )
            choice = await self.ask(dialog)
            if choice is None:
                return released
            self._held.pop(0)
            if choice == "send":
                released = service.release_held(action.client_key) or released
            elif service.take_back(action.client_key):
                if choice == "edit":
                    self._reopen(waiting, say="Held")
                else:
                    text = html_to_text(action.body_html)
                    service.save_draft(action.ticket_id, "reply", text)
                    self.notify("Dropped the reply; its words are kept as the ticket's draft")
            broadcast(self.app, TicketsChanged)
        return released

    # ----- ready to tell ----------------------------------------------------------------
    def ready(self) -> ReadyToTell:
        service = self.ctx.service
        return ReadyToTell(service.store, service.drafts)

    async def ready_to_tell(self) -> None:
        entries = self.ready().entries()
        if not entries:
            self.notify(
                "Nothing ready to tell: replies are drafted here when a linked issue closes"
            )
            return
        service = self.ctx.service
        choices = [
            Choice(e.ticket_id, e.summary(), (service.draft(e.ticket_id, "reply") or "")[:60])
            for e in entries
        ]
        key = keys_in_effect("ready_send_all", keymap_of(self.app)).split(" ", 1)[0]
        picked = await self.ask(
            ReadyPicker(
                f"Ready to tell ({len(entries)})",
                choices,
                hint=f"enter review and send one · {key} send all, each shown before it goes",
            )
        )
        if picked is None:
            return
        if picked != SEND_ALL:
            entry = next(e for e in entries if e.ticket_id == picked)
            await self._tell(entry.ticket_id, entry.flagged, "")
            return
        sendable = [e for e in entries if not e.flagged]
        sent = 0
        for step, entry in enumerate(sendable, start=1):
            if await self._tell(entry.ticket_id, False, f" ({step} of {len(sendable)})"):
                sent += 1
        self.notify(f"Sent {sent} of {len(sendable)} fix replies; the rest stay ready to tell")

    async def _tell(self, ticket_id: str, flagged: bool, step: str) -> bool:
        ticket = self.board.get(ticket_id)
        if ticket is None:
            self.notify("That ticket is no longer on the board", severity="warning")
            return False
        if flagged:  # nothing to send before engineering says what happened
            self.ready().done(ticket_id)
            self.app.post_message(OpenTicket(ticket_id))
            return False
        reply: Callable[..., Awaitable[bool]] = getattr(self, "reply")  # noqa: B009 - Flows'
        return await reply(ticket, step=step)

    # ----- same issue, grouped view -----------------------------------------------------
    def link_like(self, ticket: Ticket, hint: SameIssueHint) -> bool:
        """Link `ticket` to the hint's issue and put it On Hold, as one undo entry."""
        link = hint.link
        with self.undo_stack.action():
            linked = self.do(
                Link(
                    ticket.id,
                    link.external_id,
                    source=link.source,
                    url=link.url,
                    label=hint.label,
                    base_updated_at=ticket.updated_at,
                )
            )
            if linked is None:
                return False
            self.do(Move(ticket.id, hint.like.state, base_updated_at=ticket.updated_at))
        self.notify(f"#{ticket.number} linked to {hint.label} (like #{hint.like.number}), On Hold")
        return True

    async def grouped(self, facts: LinkFacts) -> None:
        opened = await self.ask(GroupedView(facts.on_hold_groups(), self.ctx.service.directory))
        if opened:
            self.app.post_message(OpenTicket(opened))
