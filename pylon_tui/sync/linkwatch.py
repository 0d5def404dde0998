"""Auto-return: when every engineering issue linked to an On Hold ticket is closed, the ticket
goes back to On You with an internal note saying which issue closed.

Only a close seen after the link counts: an issue that was already closed when it was linked
(recorded in the cache, see closed_links) leaves the ticket On Hold until someone moves it.
Likewise the first poll on a cache (a first start, a new workspace) only takes a baseline: what
is closed then closed before pylon-tui was watching, so it is recorded the same way and nothing
is moved or announced before the user has done anything.

One batched Linear query per poll covers every linked Linear issue on the board (cards show
their live state too); GitHub issues go through the ETag-cached client, so an unchanged issue
costs no quota.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from html import escape

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Ticket, all_links_closed
from pylon_tui.domain.links import github_ref_of

from .closed_links import ClosedWhenLinked
from .intents import Move, Note
from .ports import GitHubLookup, LinearLookup
from .service import ActionFailed, ActionQueued, BoardService

RETURN_STATE = "waiting_on_you"
BASELINE_KEY = "link_watch_baseline"
"""Cache meta: present once this cache's watcher has taken its first-poll baseline."""


class LinkStates:
    """The live state of every linked issue, keyed by external id: one map written by the
    watcher (and by whoever just linked an issue) and read by every view, with a version
    that changes with it, so a view can tell cheaply whether to redraw."""

    def __init__(self) -> None:
        self.live: dict[str, LinkedIssue] = {}
        self.version = 0

    def state_of(self, external_id: str) -> str | None:
        issue = self.live.get(external_id)
        return issue.state_name if issue is not None else None

    def remember(self, issue: LinkedIssue) -> None:
        self.update({issue.external_id: issue})

    def update(self, issues: Mapping[str, LinkedIssue]) -> None:
        changed = {key: issue for key, issue in issues.items() if self.live.get(key) != issue}
        if changed:
            self.live.update(changed)
            self.version += 1


@dataclass(frozen=True, slots=True)
class Returned:
    ticket: Ticket
    closed: tuple[LinkedIssue, ...]

    @property
    def names(self) -> str:
        """Like "ENG-1 (Done) closed, acme/api#4 was deleted": a deleted issue is said so."""
        return ", ".join(i.ending for i in self.closed)

    def describe(self) -> str:
        return f"#{self.ticket.number} is back On You: {self.names}"

    def note_html(self) -> str:
        note = (
            f"<p>{escape(self.names)}, so pylon-tui moved this ticket from On Hold "
            "back to On You. Let the customer know.</p>"
        )
        if any(issue.deleted for issue in self.closed):
            note += (
                "<p>A deleted issue is not a shipped fix: check with engineering before "
                "telling the customer it is resolved.</p>"
            )
        return note


class LinkWatcher:
    def __init__(
        self,
        service: BoardService,
        linear: LinearLookup | None,
        github: GitHubLookup | None = None,
        states: LinkStates | None = None,
    ) -> None:
        self.service = service
        self.linear = linear
        self.github = github
        self.states = states if states is not None else LinkStates()
        self.queries = 0
        self.closed_when_linked = ClosedWhenLinked(service.store)
        self._baseline_taken = False

    @property
    def live(self) -> dict[str, LinkedIssue]:
        return self.states.live

    def short_states(self) -> dict[str, str]:
        return {key: issue.state_name for key, issue in self.live.items()}

    async def refresh_states(self) -> set[str]:
        """Ask Linear and GitHub; returns the external ids whose state was read just now."""
        tickets = list(self.service.board.all())
        linear_ids = {
            link.external_id for t in tickets for link in t.links if link.source == "linear"
        }
        fresh: set[str] = set()
        if linear_ids and self.linear is not None:
            self.queries += 1
            found = await self.linear.issues_by_ids(sorted(linear_ids))
            self.states.update(found)
            fresh.update(found)
        if self.github is not None:
            catalog = self.service.board.catalog
            for ticket in tickets:
                if not catalog.is_on_hold(ticket.state):
                    continue
                for link in ticket.links:
                    if link.source == "github":
                        try:
                            issue = await self.github.issue_state(github_ref_of(link))
                        except (ApiError, ValueError):
                            continue  # unknown stays unknown: never counts as closed
                        self.states.update({link.external_id: issue})
                        fresh.add(link.external_id)
        return fresh

    def _closed_when_linked(self, fresh: set[str]) -> dict[str, frozenset[str]]:
        """The record, less what no longer holds: an issue seen open just now (a later close
        is a real one) and tickets that left a fully loaded board."""
        record = self.closed_when_linked.read()
        board = self.service.board
        stale = [
            (ticket_id, external_id)
            for ticket_id, ids in record.items()
            for external_id in ids
            if (board.get(ticket_id) is None and self.service.loaded)
            or (
                external_id in fresh
                and (info := self.live.get(external_id)) is not None
                and not info.is_closed
            )
        ]
        if stale:
            self.closed_when_linked.forget(stale)
            record = self.closed_when_linked.read()
        return record

    async def poll(self) -> list[Returned]:
        """Refresh live states, then return every On Hold ticket whose links all closed,
        at least one of them since it was linked."""
        fresh = await self.refresh_states()
        baseline = not self._baseline_taken and self.service.store.get_meta(BASELINE_KEY) is None
        already = self._closed_when_linked(fresh)
        returned: list[Returned] = []
        catalog = self.service.board.catalog
        for ticket in list(self.service.board.all()):
            if not catalog.is_on_hold(ticket.state):
                continue
            if not all_links_closed(ticket.links, self.live):
                continue
            skip = already.get(ticket.id, frozenset())
            closed_since = tuple(
                self.live[link.external_id]
                for link in ticket.links
                if link.is_tracking and link.external_id not in skip
            )
            if not closed_since:
                continue  # closed before it was linked: it stays On Hold until moved
            if baseline:  # closed before pylon-tui first looked: not a close it saw happen
                for link in ticket.links:
                    if link.is_tracking and link.external_id not in skip:
                        self.closed_when_linked.add(ticket.id, link.external_id)
                continue
            item = Returned(ticket, closed_since)
            try:
                await self.service.run(
                    Move(ticket.id, RETURN_STATE, base_updated_at=ticket.updated_at)
                )
            except ActionFailed:
                continue  # retried at the next poll; the board was rolled back
            except ActionQueued:
                pass  # offline: the move is in the outbox and on the board already
            # The move is what matters; the note is a courtesy and may fail on its own.
            with contextlib.suppress(ActionFailed, ActionQueued):
                await self.service.run(Note(ticket.id, item.note_html()))
            returned.append(item)
        if baseline:
            self._baseline_taken = True  # for this run even if the cache cannot record it
            self.service.store.best_effort(
                partial(self.service.store.set_meta, **{BASELINE_KEY: "taken"})
            )
        return returned
