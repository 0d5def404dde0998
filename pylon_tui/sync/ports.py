"""The outside services sync talks to, as the slices it needs (Protocols, no implementations).

Kept apart from service and outbox so both depend on these shapes rather than on each other,
and tests can pass light fakes that the type checker still holds to the real signatures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from pylon_tui.domain import LinkedIssue, Message, Priority, StateInfo, Team, Ticket, User
from pylon_tui.domain.directory import Account
from pylon_tui.domain.issue_refs import IssueRef
from pylon_tui.domain.links import LinearTeam
from pylon_tui.domain.macros import Macro, OrgTag


class PylonWrites(Protocol):
    """The writes an intent sends: one method per kind of change."""

    async def update_state(self, issue_id: str, state: str) -> Ticket: ...
    async def set_priority(self, issue_id: str, priority: Priority | None) -> Ticket: ...
    async def assign(self, issue_id: str, user_id: str | None) -> Ticket: ...
    async def link_external_issue(self, issue_id: str, source: str, external_id: str) -> object: ...
    async def unlink_external_issue(
        self, issue_id: str, source: str, external_id: str
    ) -> object: ...
    async def reply(self, issue_id: str, body_html: str, message_id: str) -> object: ...
    async def note(self, issue_id: str, body_html: str) -> object: ...
    async def set_tags(self, issue_id: str, tags: Sequence[str]) -> Ticket: ...
    async def snooze(self, issue_id: str, until: datetime) -> Ticket: ...


class PylonExtras(Protocol):
    """The triage tools' reads: macros and tags for the pickers, the AI agent's draft."""

    async def macros(self) -> list[Macro]: ...
    async def tags(self) -> list[OrgTag]: ...
    async def ai_draft(self, issue_id: str, agent_id: str) -> tuple[str, bool]: ...


class PylonApi(PylonWrites, Protocol):
    """The slice of PylonClient the service needs (a Protocol keeps tests honest and light)."""

    async def search_issues(
        self, filter: dict[str, object], *, limit: int = ...
    ) -> list[Ticket]: ...
    async def get_issue(self, issue_id: str) -> Ticket: ...
    async def messages(self, issue_id: str) -> list[Message]: ...
    async def users(self) -> list[User]: ...
    async def teams(self) -> list[Team]: ...
    async def accounts(self) -> list[Account]: ...
    async def issue_statuses(self) -> list[StateInfo]: ...


class LinearLookup(Protocol):
    async def issues_by_ids(self, ids: Iterable[str]) -> dict[str, LinkedIssue]: ...


class GitHubLookup(Protocol):
    async def issue_state(self, ref: str) -> LinkedIssue: ...


class IssueFinder(Protocol):
    """What the hold dialog asks to look a pasted reference up, whichever tracker it names
    (Linear or GitHub): the issue, None when that tracker has no such issue, or an ApiError
    saying why it could not ask (no key configured, offline, refused)."""

    async def find(self, ref: IssueRef) -> LinkedIssue | None: ...


class LinearPort(Protocol):
    """What the On Hold gate's dialogs ask of Linear: find duplicates, look a pasted
    reference up, and file a new issue. The tui holds this shape, not the HTTP client."""

    async def search(self, term: str, first: int = ...) -> list[LinkedIssue]: ...
    async def issue(self, ref: str) -> LinkedIssue | None: ...
    async def teams(self) -> list[LinearTeam]: ...
    async def create_issue(
        self, team_id: str, title: str, description: str, *, issue_id: str | None = ...
    ) -> LinkedIssue: ...


__all__ = [
    "GitHubLookup",
    "IssueFinder",
    "LinearLookup",
    "LinearPort",
    "PylonApi",
    "PylonExtras",
    "PylonWrites",
]
