"""Auto-return: when every engineering issue linked to an On Hold ticket is closed, the ticket
goes back to On You with an internal note saying which issue closed.

One batched Linear query per poll covers every linked Linear issue on the board (cards show
their live state too); GitHub issues go through the ETag-cached client, so an unchanged issue
costs no quota.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Protocol

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Ticket, all_links_closed

from .actions import Action, ActionKind
from .service import ActionFailed, ActionQueued, BoardService

RETURN_STATE = "waiting_on_you"


class LinearLookup(Protocol):
    async def issues_by_ids(self, ids: Iterable[str]) -> dict[str, LinkedIssue]: ...


class GitHubLookup(Protocol):
    async def issue_state(self, ref: str) -> LinkedIssue: ...


@dataclass(frozen=True, slots=True)
class Returned:
    ticket: Ticket
    closed: tuple[LinkedIssue, ...]

    @property
    def names(self) -> str:
        return ", ".join(f"{i.identifier} ({i.state_name})" for i in self.closed)

    def describe(self) -> str:
        return f"#{self.ticket.number} is back On You: {self.names} closed"


class LinkWatcher:
    def __init__(
        self,
        service: BoardService,
        linear: LinearLookup | None,
        github: GitHubLookup | None = None,
    ) -> None:
        self.service = service
        self.linear = linear
        self.github = github
        self.live: dict[str, LinkedIssue] = {}
        self.queries = 0

    def short_states(self) -> dict[str, str]:
        return {key: issue.state_name for key, issue in self.live.items()}

    async def refresh_states(self) -> None:
        tickets = list(self.service.board.all())
        linear_ids = {
            link.external_id for t in tickets for link in t.links if link.source == "linear"
        }
        if linear_ids and self.linear is not None:
            self.queries += 1
            self.live.update(await self.linear.issues_by_ids(sorted(linear_ids)))
        if self.github is not None:
            catalog = self.service.board.catalog
            for ticket in tickets:
                if not catalog.is_on_hold(ticket.state):
                    continue
                for link in ticket.links:
                    if link.source == "github":
                        try:
                            self.live[link.external_id] = await self.github.issue_state(
                                link.external_id
                            )
                        except (ApiError, ValueError):
                            continue  # unknown stays unknown: never counts as closed

    async def poll(self) -> list[Returned]:
        """Refresh live states, then return every On Hold ticket whose links all closed."""
        await self.refresh_states()
        returned: list[Returned] = []
        catalog = self.service.board.catalog
        for ticket in list(self.service.board.all()):
            if not catalog.is_on_hold(ticket.state):
                continue
            if not all_links_closed(ticket.links, self.live):
                continue
            item = Returned(
                ticket,
                tuple(self.live[link.external_id] for link in ticket.links if link.is_tracking),
            )
            try:
                await self.service.run(
                    Action(
                        ActionKind.MOVE, ticket.id, RETURN_STATE, base_updated_at=ticket.updated_at
                    )
                )
            except ActionFailed:
                continue  # retried at the next poll; the board was rolled back
            except ActionQueued:
                pass  # offline: the move is in the outbox and on the board already
            note = (
                f"<p>{escape(item.names)} closed, so pylon-tui moved this ticket from On Hold "
                "back to On You. Let the customer know.</p>"
            )
            # The move is what matters; the note is a courtesy and may fail on its own.
            with contextlib.suppress(ActionFailed, ActionQueued):
                await self.service.run(
                    Action(ActionKind.NOTE, ticket.id, None, {"body_html": note})
                )
            returned.append(item)
        return returned
