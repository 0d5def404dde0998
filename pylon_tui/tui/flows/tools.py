"""The triage tools' flows (issue 14 items 5-9): tags, snooze, macros, AI drafts, custom
actions. Every change goes through the outbox like a move; every name, macro text, AI
draft and command output reaches the screen through the safe-text path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import MoveVerdict, Ticket, check_move
from pylon_tui.domain.custom_actions import CustomAction, fill_argv, ticket_values
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.macros import Macro, OrgTag, plan_macros
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.snooze import describe_until
from pylon_tui.sync import Assign, Move, SetPriority, SetTags, Snooze
from pylon_tui.sync.commands import run_argv
from pylon_tui.tui.messages import TicketsChanged, broadcast
from pylon_tui.tui.modals.command import ConfirmCommandModal, OutputModal
from pylon_tui.tui.modals.picker import Choice, PickerModal
from pylon_tui.tui.modals.snooze import SnoozeModal
from pylon_tui.tui.modals.tags import TagsModal

from .fields import FieldFlows
from .said import listed, numbers, place, priority_phrase, tags_phrase


class ToolFlows(FieldFlows):
    _macros: list[Macro] | None = None
    _org_tags: list[OrgTag] | None = None

    def local_now(self) -> datetime:
        """The app's clock in the user's time zone: "tomorrow 9:00" is their morning."""
        return self.ctx.now().astimezone()

    # ----- tags ------------------------------------------------------------------------
    async def edit_tags(self, ticket: Ticket) -> bool:
        """The tag editor over the org's tags (a list that could not load leaves free text);
        True when a change was queued."""
        org = await self._load_org_tags()
        chosen = await self.ask(
            TagsModal(f"Tags of #{ticket.number}", ticket.tags, [t.value for t in org])
        )
        if chosen is None or sorted(chosen) == sorted(ticket.tags):
            return False
        with self.undo_stack.action():
            done = self.do(SetTags(ticket.id, chosen, base_updated_at=ticket.updated_at))
        if done is not None:
            self.notify(f"#{ticket.number} {tags_phrase(chosen)}")
        broadcast(self.app, TicketsChanged)
        return done is not None

    async def _load_org_tags(self) -> list[OrgTag]:
        extras = self.ctx.tools.extras
        if self._org_tags is None and extras is not None:
            try:
                self._org_tags = await extras.tags()
            except ApiError as error:
                self.notify(
                    f"Could not load the organization's tags ({error}): type tags instead",
                    severity="warning",
                )
                return []
        return self._org_tags or []

    # ----- snooze ----------------------------------------------------------------------
    async def snooze(self, tickets: Sequence[Ticket]) -> bool:
        """Ask until when, then snooze each ticket; they leave the board (listed under o)."""
        if not tickets:
            return False
        what = f"#{tickets[0].number}" if len(tickets) == 1 else f"{len(tickets)} tickets"
        clock = self.local_now
        until = await self.ask(SnoozeModal(f"Snooze {what} until…", clock))
        if until is None:
            return False
        done = [t for t in tickets if self.submit(Snooze(t.id, until)) is not None]
        if done:
            when = describe_until(until, clock())
            self.notify(f"{numbers(done)} snoozed until {when}: off the board, listed under o")
        broadcast(self.app, TicketsChanged)
        return bool(done)

    # ----- macros ----------------------------------------------------------------------
    async def pick_macro(self, editor: str) -> Macro | None:
        """The macro picker for the reply ("reply") or note ("note") editor: the editor's
        own macros first, the rest after, each with what its actions do."""
        extras = self.ctx.tools.extras
        if extras is None:
            self.notify("Macros need Pylon's API (not available here)", severity="warning")
            return None
        if self._macros is None:
            try:
                self._macros = await extras.macros()
            except ApiError as error:
                self.notify(f"Could not load macros: {error}", severity="error")
                return None
        if not self._macros:
            self.notify("This workspace has no macros")
            return None
        ordered = sorted(self._macros, key=lambda m: (not m.fits(editor), m.name.lower()))
        choices = [Choice(m.id, m.name, _macro_hint(m, editor)) for m in ordered]
        key = await self.ask(PickerModal("Insert a macro", choices))
        return next((m for m in ordered if m.id == key), None)

    def apply_macros(self, ticket: Ticket, macros: Sequence[Macro]) -> None:
        """After the text was sent: the macros' actions that map to fields pylon-tui can set
        go through the outbox (one undo entry); the rest are named as not applied here."""
        if not macros:
            return
        directory = self.ctx.service.directory

        def user_id(value: str) -> str | None:
            if value in directory.users:
                return value
            user = directory.user_by_email(value)
            return user.id if user else None

        current = self.board.get(ticket.id) or ticket
        plan = plan_macros(macros, current, user_id, self.ctx.tools.macro_settings)
        said: list[str] = []
        skipped = list(plan.skipped)
        with self.undo_stack.action():
            if plan.state is not None:
                said += self._macro_move(current, plan.state, skipped)
            if plan.tags is not None and self.do(SetTags(current.id, plan.tags)):
                said.append(tags_phrase(plan.tags))
            sets_priority = plan.priority is not None or plan.clear_priority
            if sets_priority and self.do(SetPriority(current.id, plan.priority)):
                said.append(priority_phrase(plan.priority))
            if plan.assignee_id is not None and self.do(Assign(current.id, plan.assignee_id)):
                said.append(f"assigned to {one_line(directory.user_name(plan.assignee_id))}")
        if said:
            self.notify(f"Macro on #{ticket.number}: {listed(said)}")
        if skipped:
            self.notify(
                f"Not applied here (do these in Pylon): {listed([one_line(s) for s in skipped])}",
                title="Macro actions",
                severity="warning",
                timeout=12,
            )
        broadcast(self.app, TicketsChanged)

    def _macro_move(self, ticket: Ticket, state: str, skipped: list[str]) -> list[str]:
        """The On Hold gate holds for macros too: a state it stops is named, not moved."""
        check = check_move(ticket, state, self.board.catalog)
        if check.verdict is MoveVerdict.NEEDS_LINK:
            skipped.append("set_issue_state (On Hold needs a linked issue: press i)")
            return []
        if check.verdict is MoveVerdict.UNKNOWN_STATE:
            skipped.append(f"set_issue_state ({one_line(state)!r} is not a status here)")
            return []
        if check.verdict is not MoveVerdict.ALLOWED:
            return []
        if not self.do(Move(ticket.id, state, base_updated_at=ticket.updated_at)):
            return []
        return [f"moved to {place(self.board, state)}"]

    # ----- AI drafts -------------------------------------------------------------------
    async def ai_draft(self, ticket: Ticket) -> str | None:
        """Pylon's AI agent's draft for the reply editor, as plain text; nothing is sent."""
        extras, agent = self.ctx.tools.extras, self.ctx.tools.ai_agent_id
        if extras is None or not agent:
            self.notify(
                "Set [pylon] ai_agent_id in config.toml to your Pylon AI agent's id to get drafts",
                severity="warning",
                timeout=10,
            )
            return None
        try:
            html, valid = await extras.ai_draft(ticket.id, agent)
        except ApiError as error:
            hint = f" ({error.hint})" if error.hint else ""
            self.notify(f"The AI agent gave no draft: {error}{hint}", severity="error")
            return None
        if not valid:
            self.notify("The AI agent could not answer this one: write the reply yourself")
            return None
        return html_to_text(html)

    # ----- custom actions ----------------------------------------------------------------
    async def run_custom(self, action: CustomAction, ticket: Ticket) -> bool:
        argv = fill_argv(action.argv, ticket_values(ticket, self.ctx.service.directory))
        if action.confirm:
            ok = await self.ask(
                ConfirmCommandModal(f"Run {action.label} on #{ticket.number}?", argv)
            )
            if not ok:
                return False
        started_on = self.app.screen
        result = await run_argv(argv, limit_seconds=action.timeout)
        name = f"{action.label} (#{ticket.number})"
        if action.show_output and result.returncode is not None:
            if self.app.screen is started_on:  # never over something opened meanwhile
                await self.ask(OutputModal(result.summary(name), result.output))
            else:
                self.notify(f"{result.summary(name)}: {one_line(result.output)[:300]}", timeout=15)
        elif result.ok:
            self.notify(result.summary(name), timeout=4)
        else:
            tail = one_line(result.output)[-200:]
            self.notify(
                result.summary(name) + (f": {tail}" if tail else ""), severity="error", timeout=12
            )
        return result.ok


def _macro_hint(macro: Macro, editor: str) -> str:
    """ "reply · 2 actions", or "note macro" when it was written for the other editor."""
    parts = [macro.text_type if macro.fits(editor) else f"{macro.text_type} macro"]
    if macro.actions:
        parts.append(f"{len(macro.actions)} action{'s' if len(macro.actions) != 1 else ''}")
    return " · ".join(parts)
