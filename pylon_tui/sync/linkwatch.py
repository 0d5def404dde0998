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
from dataclasses import dataclass, replace
from functools import partial
from html import escape

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import LinkedIssue, Outcome, Ticket, all_links_closed
from pylon_tui.domain.fix_reply import draft_fix_reply
from pylon_tui.domain.links import github_ref_of

from .closed_links import ClosedWhenLinked
from .intents import Intent, Link, Move, Note, Unlink
from .ports import GitHubLookup, LinearLookup
from .ready import ReadyToTell
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
    drafted: bool = False
    """A reply from the ending's template waits in the ticket's draft (ready to tell)."""

    @property
    def names(self) -> str:
        """Like "ENG-1 (Done) closed, acme/api#4 was deleted": a deleted issue is said so."""
        return ", ".join(i.ending for i in self.closed)

    @property
    def main(self) -> LinkedIssue:
        """The issue the reply is about: a shipped fix if any, else the first to close."""
        return next((i for i in self.closed if i.outcome is Outcome.FIXED), self.closed[0])

    @property
    def fixed(self) -> bool:
        return all(issue.outcome is Outcome.FIXED for issue in self.closed)

    def describe(self) -> str:
        said = f"#{self.ticket.number} is back On You: {self.names}"
        if not self.fixed:
            said += f" ({self.main.outcome.label}, not a fix)"
        return said + (" · reply drafted" if self.drafted else "")

    def note_html(self) -> str:
        note = (
            f"<p>{escape(self.names)}, so pylon-tui moved this ticket from On Hold "
            "back to On You. Let the customer know.</p>"
        )
        endings = {issue.outcome for issue in self.closed}
        if Outcome.DELETED in endings:
            note += (
                "<p>A deleted issue is not a shipped fix: check with engineering before "
                "telling the customer it is resolved.</p>"
            )
        if endings & {Outcome.CANCELED, Outcome.WONT_FIX}:
            note += (
                "<p>Engineering closed it without a fix (canceled or won't fix): tell the "
                "customer no change is coming, and why if you can.</p>"
            )
        if Outcome.DUPLICATE in endings:
            note += (
                "<p>It was closed as a duplicate and the tracker does not say of which: "
                "find the issue it duplicates and link it to keep the ticket On Hold.</p>"
            )
        return note


@dataclass(frozen=True, slots=True)
class HandedOver:
    """A linked issue closed as a duplicate of `canonical`: the ticket now waits on that."""

    ticket: Ticket
    duplicate: LinkedIssue
    canonical: LinkedIssue

    def describe(self) -> str:
        return (
            f"#{self.ticket.number}: {self.duplicate.identifier} was closed as a duplicate of "
            f"{self.canonical.identifier}; the ticket now waits on it, still On Hold"
        )

    def note_html(self) -> str:
        return (
            f"<p>{escape(self.duplicate.identifier)} was closed as a duplicate of "
            f"{escape(self.canonical.identifier)} ({escape(self.canonical.title)}), so "
            f"pylon-tui linked this ticket to {escape(self.canonical.identifier)} instead. "
            "It stays On Hold until that issue closes.</p>"
        )


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
        self.templates: Mapping[str, str] = {}
        """The user's `[templates]`: fix-ready replies use `fixed`, `canceled`, `wont_fix`."""
        self.ready = ReadyToTell(service.store, service.drafts)
        self.handed_over: list[HandedOver] = []
        """Duplicates handed to their canonical issue by the last poll (for the UI to say)."""

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

    async def _hand_over(self, ticket: Ticket, skip: frozenset[str]) -> bool:
        """Each link closed as a duplicate of an open issue Linear names is swapped for that
        issue (one Unlink and one Link, so the ticket keeps waiting); True if any was."""
        handed = False
        for link in ticket.links:
            issue = self.live.get(link.external_id)
            if (
                not link.is_tracking
                or link.external_id in skip
                or issue is None
                or issue.outcome is not Outcome.DUPLICATE
                or issue.canonical is None
                or issue.canonical.is_closed
            ):
                continue
            canonical = issue.canonical
            self.states.remember(canonical)
            current = self.service.board.get(ticket.id) or ticket
            already = any(x.external_id == canonical.external_id for x in current.links)
            steps: list[Intent] = (
                [] if already else [Link.to_issue(current, canonical, based=False)]
            )
            steps.append(Unlink(ticket.id, link.external_id, source=link.source, url=link.url))
            item = HandedOver(ticket, issue, canonical)
            for step in steps:
                with contextlib.suppress(ActionFailed, ActionQueued):
                    await self.service.run(step)
            with contextlib.suppress(ActionFailed, ActionQueued):
                await self.service.run(Note(ticket.id, item.note_html()))
            self.handed_over.append(item)
            handed = True
        return handed

    async def poll(self) -> list[Returned]:
        """Refresh live states, then return every On Hold ticket whose links all closed,
        at least one of them since it was linked."""
        fresh = await self.refresh_states()
        baseline = not self._baseline_taken and self.service.store.get_meta(BASELINE_KEY) is None
        already = self._closed_when_linked(fresh)
        returned: list[Returned] = []
        self.handed_over = []
        catalog = self.service.board.catalog
        for ticket in list(self.service.board.all()):
            if not catalog.is_on_hold(ticket.state):
                continue
            if not baseline and await self._hand_over(ticket, already.get(ticket.id, frozenset())):
                continue  # it waits on the canonical issue now
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
            draft = draft_fix_reply(item.main, self.templates)
            item = replace(item, drafted=self.ready.add(ticket, item.main, draft))
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
