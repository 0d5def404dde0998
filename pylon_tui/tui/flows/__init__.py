"""Every multi-step user flow, written as straight code: dialog, answer, writes.

A flow that waits on a dialog runs as an app-owned worker (`FLOW_GROUP`) and awaits the
dialog with `push_screen_wait`, so the steps read top to bottom instead of as nested
callbacks, and a flow outlives the screen that started it. Paths without a dialog (move,
priority, assign me, undo) stay synchronous and return at once: the acting screen repaints
in the same key press, which keeps a card move to one frame.

Screens reach each other only through here and `messages`: the board and the detail screen
share one reply, note and link implementation without knowing of one another.

The bigger dialogs (hold, compose, new issue, conflict) are imported where a flow opens
them: importing them all at start-up cost the first paint about 40 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import MoveVerdict, Ticket, View, check_move_to_column
from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.domain.links import LinkedIssue
from pylon_tui.domain.query import Field, Term, to_text
from pylon_tui.domain.safe_text import copyable_link, one_line
from pylon_tui.domain.snooze import describe_until
from pylon_tui.domain.thread import reply_target
from pylon_tui.sync import (
    Assign,
    ClosedWhenLinked,
    Conflict,
    LinearPort,
    Link,
    Move,
    Note,
    Reply,
)
from pylon_tui.tui.catalog import keymap_of, keys_in_effect
from pylon_tui.tui.messages import TicketsChanged, broadcast
from pylon_tui.tui.modals.picker import Choice, PickerModal

from .drafts import draft_slot
from .pylon_moves import reply_context
from .runner import FLOW_GROUP, WRITES_GROUP
from .said import place
from .sending import SendFlows
from .tools import ToolFlows

if TYPE_CHECKING:
    from textual.app import App

    from pylon_tui.tui.context import AppContext

__all__ = ["FLOW_GROUP", "WRITES_GROUP", "Flows"]


class Flows(SendFlows, ToolFlows):
    def __init__(self, app: App[Any], ctx: AppContext) -> None:
        super().__init__(app, ctx)
        self._conflicts: list[Conflict] = []
        self._resend: Callable[[], object] | None = None
        self._asking = False

    @property
    def asking(self) -> bool:
        """A conflict dialog is open: a drain now would find the same conflicts again."""
        return self._asking

    # ----- moves -----------------------------------------------------------------------
    def move(self, tickets: list[Ticket], column_for: Callable[[Ticket], int | None]) -> list[str]:
        """Move each ticket to its own target column (one undo entry for the batch).

        Returns the ids moved now, in order; the last is the one focus follows. A ticket
        the On Hold gate stops opens the link dialog and moves once an issue is linked.
        """
        moved: list[str] = []
        with self.undo_stack.action():
            for ticket in sorted(tickets, key=lambda t: t.number):
                column = column_for(ticket)
                if column is None:
                    continue
                target = self.board.columns[column]
                check = check_move_to_column(
                    ticket, target, self.board.catalog, router=self.board.router
                )
                if check.verdict is MoveVerdict.ALLOWED:
                    state = check.target_state
                    if self.do(Move(ticket.id, state, base_updated_at=ticket.updated_at)):
                        moved.append(ticket.id)
                elif check.verdict is MoveVerdict.NEEDS_LINK:
                    self.start(self.hold(ticket, then_move_to=check.target_state))
                elif check.verdict is MoveVerdict.UNKNOWN_STATE:
                    self.notify(check.message, severity="error")
        return moved

    def move_to_column(self, tickets: list[Ticket], column: int) -> list[str]:
        return self.move(tickets, lambda _: column)

    async def move_to(self, tickets: list[Ticket]) -> list[str] | None:
        """The move-to picker; None when the user cancelled."""
        choices = [Choice(str(i), c.title) for i, c in enumerate(self.board.columns)]
        title = f"Move {len(tickets)} tickets to…" if len(tickets) > 1 else "Move to…"
        key = await self.ask(PickerModal(title, choices))
        return None if key is None else self.move_to_column(tickets, int(key))

    # ----- the On Hold gate ------------------------------------------------------------
    async def hold(self, ticket: Ticket, *, then_move_to: str | None) -> bool:
        """A ticket gets a linked issue before it may go On Hold: the dialog, then the link
        (and the move, and the urgent ticket's assignee) as ordered writes, one undo entry."""
        from pylon_tui.tui.modals.hold import HoldModal

        finder, linear = self.ctx.issues, self.ctx.linear
        if finder is None:
            self.notify(
                f"#{ticket.number} needs a linked Linear or GitHub issue to go On Hold, and "
                "neither is configured: set LINEAR_API_KEY (or [linear] token_command) or "
                "GITHUB_TOKEN, and restart",
                severity="error",
                timeout=10,
            )
            return False
        users = self.ctx.service.directory.active_users()
        create = None
        if linear is not None:
            create = lambda chosen: self._create_for(ticket, linear, chosen)  # noqa: E731
        dialog = HoldModal(
            ticket,
            finder,
            linear,
            moving=then_move_to is not None,
            users=users,
            pylon_link=ticket.link,
            create_issue=create,
            waiting=self._waiting_counts(),
        )
        result = await self.ask(dialog)
        created = dialog.created
        if created is not None and (
            result is None or result.issue.external_id != created.external_id
        ):
            self.notify(
                f"{one_line(created.identifier)} was created in Linear but is not linked to "
                f"#{ticket.number}: link it with i, or close it in Linear",
                title="Left unlinked",
                severity="warning",
                timeout=20,
            )
        if result is None:
            return False
        issue = result.issue
        self.ctx.link_states[issue.external_id] = issue.state_name
        if issue.is_closed:  # recorded first: the watcher must never read it as a new close
            ClosedWhenLinked(self.ctx.service.store).add(ticket.id, issue.external_id)
        follow = None
        with self.undo_stack.action():
            self.do(Link.to_issue(ticket, issue))
            if then_move_to is not None:
                move = Move(ticket.id, then_move_to, base_updated_at=ticket.updated_at)
                if self.do(move) is not None:
                    follow = ticket.id
            if result.assignee_id:
                self.do(Assign(ticket.id, result.assignee_id))
        said = f"#{ticket.number} linked to {one_line(issue.identifier)}"
        if then_move_to is not None:
            said += f" and moved to {place(self.board, then_move_to)}"
        if issue.is_closed:
            said += "; it was already closed, so it will not return the ticket to On You"
        self.notify(said)
        broadcast(self.app, lambda: TicketsChanged(follow))
        return True

    def _waiting_counts(self) -> dict[str, int]:
        """Open tickets per linked issue, for the duplicate list's "· 3 waiting"."""
        return dict(self.board.waiting_counts())

    def _create_for(
        self, ticket: Ticket, linear: LinearPort, chosen: Callable[[LinkedIssue], None]
    ) -> None:
        """The hold dialog's "new issue": a flow of its own, handing the issue back."""

        def created(issue: LinkedIssue | None) -> None:
            if issue is not None:
                chosen(issue)

        self.start(self.create_issue(ticket, linear), then=created)

    async def create_issue(self, ticket: Ticket, linear: LinearPort) -> LinkedIssue | None:
        from pylon_tui.tui.modals.create_issue import CreateIssueModal

        return await self.ask(CreateIssueModal(ticket, linear, pylon_link=ticket.link))

    # ----- messages --------------------------------------------------------------------
    async def reply(self, ticket: Ticket, *, step: str = "") -> bool:
        """Load the thread, compose (template prefilled, or the ticket's draft), send; True
        once the send ended or was queued with its grace period. `step` ("2 of 4") titles
        the editor in the ready-to-tell queue's send-all."""
        from pylon_tui.tui.modals.compose import ComposeModal

        asked_on = self.app.screen
        try:
            messages = await self.ctx.service.messages(ticket.id)
        except ApiError as error:
            self.notify(f"Could not load #{ticket.number}'s messages: {error}", severity="error")
            return False
        if self.app.screen is not asked_on:  # the editor must not land on what opened since
            self.notify(
                f"The reply to #{ticket.number} was not opened: something else opened "
                "while its thread loaded. Press r again when you are ready."
            )
            return False
        customer = [m for m in messages if not m.is_private]
        if not customer:
            self.notify(f"#{ticket.number} has no customer message to reply to", severity="error")
            return False
        answered = reply_target(customer) or customer[-1]
        seen_at = self.ctx.service.draft_started_at(ticket.id, "reply") or time.time()
        editor = ComposeModal(
            f"Reply to #{ticket.number}{step}",
            context=reply_context(ticket, self.board.catalog),
            text=self.ctx.templates.get("acknowledge", ""),
            templates=self.ctx.templates,
            drafts=draft_slot(self.ctx.service, ticket.id, "reply"),
            pick_macro=lambda: self.pick_macro("reply"),
            ai_draft=lambda: self.ai_draft(ticket),
        )
        text = await self.ask(editor)
        if not text:
            return False
        reply = Reply(ticket.id, answered.id, text_to_html(text))
        sending = self.send_message(reply, ticket, "reply", text, seen_at)
        if sending is not None:
            self.apply_macros(ticket, editor.applied_macros)
        if isinstance(sending, bool) or sending is None:
            return sending is True
        return await self._sent(sending)

    async def note(self, ticket: Ticket) -> bool:
        """Compose an internal note and send it; True once the send ended."""
        from pylon_tui.tui.modals.compose import ComposeModal

        editor = ComposeModal(
            f"Internal note on #{ticket.number}",
            context=one_line(ticket.title),
            drafts=draft_slot(self.ctx.service, ticket.id, "note"),
            pick_macro=lambda: self.pick_macro("note"),
        )
        text = await self.ask(editor)
        if not text:
            return False
        note = Note(ticket.id, text_to_html(text))
        sending = self.send_message(note, ticket, "note", text, time.time())
        if sending is not None:
            self.apply_macros(ticket, editor.applied_macros)
        if isinstance(sending, bool) or sending is None:
            return sending is True
        return await self._sent(sending)

    # ----- find ------------------------------------------------------------------------
    async def pick_view(self, current: View | None) -> str | None:
        """The view picker: a view's name, "" for all tickets, None if cancelled. The first
        nine answer to their digit; the active one is marked."""
        views = self.ctx.views
        choices = [Choice("", ("✓ " if current is None else "  ") + "0 All tickets")]
        for n, view in enumerate(views, start=1):
            mark = "✓ " if current is not None and view.name == current.name else "  "
            digit = f"{n} " if n <= 9 else "  "
            hint = to_text(view.query) + (
                f"  ↑{view.sort.value}" if view.sort.value != "default" else ""
            )
            choices.append(Choice(view.name, f"{mark}{digit}{view.title}", hint))
        return await self.ask(
            PickerModal(
                "Views", choices, hint="0-9 pick · [views.NAME] in config adds one", digits=True
            )
        )

    def view_usable(self, view: View) -> bool:
        """`assignee:me` needs to know who "me" is: say how, rather than show nothing."""
        mentions_me = any(
            isinstance(p, Term)
            and p.field is Field.ASSIGNEE
            and "me" in [str(v).lower() for v in p.values]
            for p in view.query.parts
        )
        if mentions_me and self.ctx.service.me_id is None:
            self.notify(
                f"Set me_email in config.toml to use the {view.title} view (assignee:me)",
                severity="warning",
            )
            return False
        return True

    async def pick_hidden(self) -> str | None:
        """A ticket from the states no column shows, picked by the user; its id."""
        hidden = self.board.hidden()
        if not hidden:
            self.notify("Every ticket is on the board")
            return None
        catalog, now = self.board.catalog, self.local_now()
        choices = [
            Choice(
                t.id,
                f"#{t.number} {t.title}",
                f"snoozed until {describe_until(t.snoozed_until, now)}"
                if t.snoozed_until is not None and t.snoozed(now)
                else catalog.label_of(t.state),
            )
            for t in hidden
        ]
        return await self.ask(PickerModal("Tickets in other states", choices)) or None

    # ----- misc ------------------------------------------------------------------------
    def copy_link(self, ticket: Ticket) -> None:
        """Copy the Pylon link (OSC 52 works over SSH); only a plain http(s) URL goes out."""
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

    # ----- conflicts -------------------------------------------------------------------
    # A drain finds conflicts in the background, so one never opens a dialog by itself: a
    # dialog pushed then takes the keys of whatever the user is typing (the `t` of a note
    # once threw a queued move away). Each waits, counted in the status bar, until the user
    # presses the conflicts key; "later" leaves it waiting for the next press.
    @property
    def conflicts(self) -> int:
        """Conflicts waiting for the user's decision (the status bar's badge), held
        replies included (issue 15's collision guard)."""
        return len(self._conflicts) + self.held_count

    def conflicts_arrived(self, conflicts: list[Conflict], *, resend: Callable[[], object]) -> None:
        """Keep conflicts a drain found until the user asks for them; `resend` sends what
        the user then decides. One found again replaces its older copy (newer server side)."""
        self._resend = resend
        waiting = {c.queued.action.client_key: i for i, c in enumerate(self._conflicts)}
        new: list[Conflict] = []
        for conflict in conflicts:
            at = waiting.get(conflict.queued.action.client_key)
            if at is None:
                waiting[conflict.queued.action.client_key] = len(self._conflicts)
                self._conflicts.append(conflict)
                new.append(conflict)
            else:
                self._conflicts[at] = conflict
        if new:
            key = keys_in_effect("conflicts", keymap_of(self.app)).split(" ", 1)[0]
            what = (
                f"#{new[0].server.number} changed on Pylon while your change waited"
                if len(new) == 1
                else f"{len(new)} tickets changed on Pylon while your changes waited"
            )
            self.notify(f"{what}: press {key} to decide", title="Conflict", severity="warning")
        broadcast(self.app, TicketsChanged)

    def resolve_conflicts(self) -> None:
        """The user asked: one dialog per waiting conflict, oldest first."""
        if self._asking:
            return
        if not self._conflicts and not self.held_count:
            self.notify("No conflicts waiting")
            return
        self._asking = True
        self.start(self._resolve_conflicts(), then=self._resend_if)

    def _resend_if(self, chose: bool) -> None:
        if chose and self._resend is not None:
            self._resend()

    async def _resolve_conflicts(self) -> bool:
        """True when a choice was applied (there is something to send)."""
        from pylon_tui.tui.modals.conflict import ConflictModal

        chose = False
        outbox = self.ctx.service.outbox
        try:
            chose = await self.resolve_held()
            while self._conflicts:
                conflict = self._conflicts[0]
                labels = {info.slug: info.label for info in self.board.catalog.all()}
                choice = await self.ask(ConflictModal(conflict, labels))
                if choice is None:
                    break  # later: this one and the rest wait for the next press
                self._conflicts.pop(0)
                outbox.resolve(conflict, keep_mine=choice)
                chose = True
        finally:
            self._asking = False
            broadcast(self.app, TicketsChanged)  # the badge counts down
        return chose
