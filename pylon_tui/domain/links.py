"""Linked engineering issues (Linear, GitHub) and their live state.

Pylon stores only `{source, external_id, link}`; the identifier (ENG-123) and the state come
from Linear or GitHub and are merged in by the link watcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

TRACKING_SOURCES = frozenset({"linear", "github"})

_LINEAR_URL = re.compile(r"linear\.app/[^/]+/issue/([A-Za-z][A-Za-z0-9_]*-\d+)")
_GITHUB_URL = re.compile(r"github\.com/([^/\s]+)/([^/\s]+)/(?:issues|pull)/(\d+)")


class IssueStateType(StrEnum):
    """Linear's workflow state types; GitHub open/closed map onto started/completed."""

    TRIAGE = "triage"
    BACKLOG = "backlog"
    UNSTARTED = "unstarted"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELED = "canceled"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"

    @property
    def is_closed(self) -> bool:
        return self in _CLOSED

    @classmethod
    def parse(cls, value: str | None) -> IssueStateType:
        try:
            return cls(value or "unknown")
        except ValueError:
            return cls.UNKNOWN


class Outcome(StrEnum):
    """How an engineering issue stopped being open: only FIXED means the fix shipped."""

    OPEN = "open"
    FIXED = "fixed"
    CANCELED = "canceled"
    WONT_FIX = "wont_fix"
    DUPLICATE = "duplicate"
    DELETED = "deleted"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.OPEN: "open",
    Outcome.FIXED: "fixed",
    Outcome.CANCELED: "canceled",
    Outcome.WONT_FIX: "won't fix",
    Outcome.DUPLICATE: "duplicate",
    Outcome.DELETED: "deleted",
}


_CLOSED = frozenset({IssueStateType.COMPLETED, IssueStateType.CANCELED, IssueStateType.DUPLICATE})


@dataclass(frozen=True, slots=True)
class ExternalLink:
    source: str
    external_id: str
    url: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)

    @property
    def is_tracking(self) -> bool:
        return self.source in TRACKING_SOURCES

    @property
    def short_label(self) -> str:
        """ENG-123 for Linear (from its URL), owner/repo#12 for GitHub, else the source."""
        if self.source == "linear" and self.url:
            match = _LINEAR_URL.search(self.url)
            if match:
                return match.group(1).upper()
        if self.source == "github":
            parts = github_ref_of(self).split("/")
            if len(parts) == 3:
                return f"{parts[0]}/{parts[1]}#{parts[2]}"
        return self.source


@dataclass(frozen=True, slots=True)
class LinkedIssue:
    """What we know live about an engineering issue."""

    source: str
    external_id: str
    identifier: str
    title: str
    state_name: str
    state_type: IssueStateType
    url: str
    team: str | None = None
    deleted: bool = False
    """Gone from the tracker (GitHub 410, Linear's trash): counts as closed, and is said so,
    because "the fix shipped" and "someone deleted the issue" need different replies."""
    assignee: str | None = None
    """Who works on it (Linear's assignee name), for the grouped On Hold view."""
    release: str | None = None
    """The release that ships it, when the tracker says (a fix-ready reply names it)."""
    canonical: LinkedIssue | None = None
    """For an issue closed as a duplicate: the issue it duplicates, when the tracker says."""

    @property
    def outcome(self) -> Outcome:
        """How it ended (or that it has not): each ending gets its own note and reply."""
        if self.deleted:
            return Outcome.DELETED
        if self.state_type is IssueStateType.COMPLETED:
            return Outcome.FIXED
        if self.state_type is IssueStateType.DUPLICATE:
            return Outcome.DUPLICATE
        if self.state_type is IssueStateType.CANCELED:
            name = self.state_name.lower().replace("'", "").replace("’", "")
            wont = "wont" in name.replace(" ", "") or "not planned" in name
            return Outcome.WONT_FIX if wont else Outcome.CANCELED
        return Outcome.OPEN

    @property
    def is_closed(self) -> bool:
        return self.deleted or self.state_type.is_closed

    @property
    def ending(self) -> str:
        """How it stopped being open, for the auto-return toast and note."""
        if self.deleted:
            return f"{self.identifier} was deleted"
        return f"{self.identifier} ({self.state_name}) closed"


@dataclass(frozen=True, slots=True)
class LinearTeam:
    """A Linear team a new issue can be filed under (the create dialog's picker)."""

    id: str
    key: str
    name: str


def linear_identifier_from_url(url: str) -> str | None:
    match = _LINEAR_URL.search(url)
    return match.group(1).upper() if match else None


def github_ref_from_url(url: str) -> str | None:
    """`Owner/Repo/Number`, Pylon's external_id form for GitHub."""
    match = _GITHUB_URL.search(url)
    return f"{match.group(1)}/{match.group(2)}/{match.group(3)}" if match else None


def github_ref_of(link: ExternalLink) -> str:
    """`Owner/Repo/Number` to look a GitHub link up by: read from its URL first, which always
    carries the issue number, and only then Pylon's external_id, whose last part Pylon's
    documentation calls an IssueID (it may be GitHub's internal id, not the number)."""
    from_url = github_ref_from_url(link.url) if link.url else None
    return from_url or link.external_id


def all_links_closed(links: tuple[ExternalLink, ...], live: dict[str, LinkedIssue]) -> bool:
    """True only when every tracking link is known and closed: unknown never counts as closed."""
    tracking = [link for link in links if link.is_tracking]
    if not tracking:
        return False
    return all(
        (info := live.get(link.external_id)) is not None and info.is_closed for link in tracking
    )
