"""The board's triage-tool keys (issue 14): tags, snooze and the user's custom actions.

A mixin of BoardScreen, so the board module stays about the board; custom actions are bound
on the screen when it is made, each to its own `[actions.NAME]` key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pylon_tui.domain import Ticket
from pylon_tui.domain.custom_actions import CustomAction

if TYPE_CHECKING:
    from textual.binding import BindingsMap

    from pylon_tui.tui.context import AppContext
    from pylon_tui.tui.flows import Flows

CustomCommand = tuple[str, Callable[[], object], str, bool]
"""Palette entry of a custom action: name, run, help, and whether it writes."""


class BoardTools:
    if TYPE_CHECKING:
        ctx: AppContext
        flows: Flows
        _bindings: BindingsMap

        def current_ticket(self) -> Ticket | None: ...

        def targets(self) -> list[Ticket]: ...

        def rebuild(self, *, follow: str | None = None, force: bool = False) -> None: ...

        def notify(self, message: str, **options: object) -> None: ...

    def install_custom_actions(self) -> None:
        """Bind each `[actions.NAME]` key (config checked it is free on the board)."""
        for action in self.ctx.tools.actions:
            self._bindings.bind(
                action.key, f"custom('{action.name}')", action.label[:20], show=False
            )

    def custom_help(self) -> list[tuple[str, str, bool]]:
        """(key, description, writes) of each custom action, for `?`."""
        return [(a.key, a.label, a.writes) for a in self.ctx.tools.actions]

    def custom_commands(self) -> list[CustomCommand]:
        """Palette entries for the custom actions."""
        return [
            (f"Run: {a.label}", partial(self.action_custom, a.name), f"key {a.key}", a.writes)
            for a in self.ctx.tools.actions
        ]

    def custom_action_writes(self, name: str) -> bool:
        """`[actions.NAME] writes` (default true): a look-only command stays on under
        --read-only, anything else is off like every other write."""
        found = next((a for a in self.ctx.tools.actions if a.name == name), None)
        return found is None or found.writes

    def action_tags(self) -> None:
        ticket = self.current_ticket()
        if ticket is not None:
            self.flows.start(self.flows.edit_tags(ticket), then=self._tools_done)

    def action_snooze(self) -> None:
        tickets = self.targets()
        if tickets:
            self.flows.start(self.flows.snooze(tickets), then=self._tools_done)

    def action_custom(self, name: str) -> None:
        action = next((a for a in self.ctx.tools.actions if a.name == name), None)
        ticket = self.current_ticket()
        if action is None or ticket is None:
            return
        self._run_custom(action, ticket)

    def _run_custom(self, action: CustomAction, ticket: Ticket) -> None:
        self.flows.start(self.flows.run_custom(action, ticket))

    def _tools_done(self, changed: bool) -> None:
        if changed:
            self.rebuild()
