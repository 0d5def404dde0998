"""Find the engineering issue a user named, in Linear or on GitHub.

The hold dialog and `move --link` take whatever the user pasted; `parse_issue_ref` says which
service it names, and this asks that service. Kept out of both clients so neither needs to
know the other exists, and so both callers make the same calls and say the same things.
"""

from __future__ import annotations

from typing import Protocol

from pylon_tui.domain import LinkedIssue
from pylon_tui.domain.issue_refs import GITHUB, IssueRef

from .errors import ApiError


class IssueSource(Protocol):
    """What looking an issue up needs from LinearClient or GitHubClient."""

    async def issue(self, ref: str) -> LinkedIssue | None: ...


class NotConfiguredError(ApiError):
    """The service the reference names has no client (no key configured)."""


async def look_up(
    ref: IssueRef, *, linear: IssueSource | None, github: IssueSource | None
) -> LinkedIssue | None:
    """The issue `ref` names, or None when its service has no such issue (or cannot show it
    to us: GitHub answers 404 for a private repository the token cannot read)."""
    if ref.source == GITHUB:
        if github is None:
            raise NotConfiguredError(
                "GitHub is not available here",
                service="GitHub",
                hint="set GITHUB_TOKEN or [github] token_command in config.toml",
            )
        return await github.issue(ref.key)
    if linear is None:
        raise NotConfiguredError(
            "no Linear API key is configured",
            service="Linear",
            hint="set LINEAR_API_KEY or [linear] token_command in config.toml",
        )
    return await linear.issue(ref.key)


def not_found_hint(ref: IssueRef) -> str:
    """What to check when the service says there is no such issue."""
    if ref.source == GITHUB:
        return (
            "check the URL; a private repository needs a GitHub token that can read it "
            "(GITHUB_TOKEN or [github] token_command)"
        )
    return "check the identifier in Linear"
