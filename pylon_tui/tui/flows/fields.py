"""Priority and assignee: each change answers with a toast saying what it did, and goes on
the undo stack as one action however many tickets it touched."""

from __future__ import annotations

from pylon_tui.domain import Priority, Ticket
from pylon_tui.sync import Assign, SetPriority
from pylon_tui.tui.modals.picker import Choice, PickerModal

from .said import assignee_phrase, numbers, priority_phrase
from .undo import UndoFlow


class FieldFlows(UndoFlow):
    def set_priority(self, tickets: list[Ticket], priority: Priority | None) -> bool:
        with self.undo_stack.action():
            done = [t for t in tickets if self.do(SetPriority(t.id, priority)) is not None]
        if done:
            self.notify(f"{numbers(done)} {priority_phrase(priority)}")
        return bool(done)

    async def assign(self, tickets: list[Ticket]) -> bool:
        """The assignee picker, the current assignee marked; True when the user chose
        (someone or nobody)."""
        key = await self.ask(PickerModal("Assign to…", self._assignee_choices(tickets)))
        if key is None:
            return False
        self._assign(tickets, key or None)
        return True

    def _assignee_choices(self, tickets: list[Ticket]) -> list[Choice]:
        """Everyone, with who is assigned now marked ("✓", "assigned now"): picking the same
        person again is then a choice, not a guess."""
        current = [t.assignee_id for t in tickets]

        def mark(user_id: str | None) -> tuple[str, str]:
            count = current.count(user_id)
            if not count:
                return "  ", ""
            of = f" ({count} of {len(tickets)})" if len(tickets) > 1 else ""
            return "✓ ", f"assigned now{of}"

        users = self.ctx.service.directory.active_users()
        tick, note = mark(None)
        choices = [Choice("", f"{tick}Unassign", note.replace("assigned", "unassigned"))]
        for user in users:
            tick, note = mark(user.id)
            hint = " · ".join(part for part in (user.email, note) if part)
            choices.append(Choice(user.id, f"{tick}{user.name}", hint))
        return choices

    def _assign(self, tickets: list[Ticket], user_id: str | None) -> bool:
        with self.undo_stack.action():
            done = [t for t in tickets if self.do(Assign(t.id, user_id)) is not None]
        if done:
            directory = self.ctx.service.directory
            self.notify(f"{numbers(done)} {assignee_phrase(user_id, directory)}")
        return bool(done)

    def assign_me(self, tickets: list[Ticket]) -> bool:
        me = self.ctx.service.me_id
        if me is None:
            self.notify(
                "Set me_email in config.toml to your Pylon user's email so A knows who you are",
                severity="warning",
            )
            return False
        return self._assign(tickets, me)
