"""The engineering trackers a pasted reference can name, behind one port for the tui.

The hold dialog accepts a Linear or a GitHub issue; `look_up` (api) knows which client to ask.
This wraps it as sync's IssueFinder, so the tui never holds an HTTP client, and the dialog and
`move --link` make the same calls and get the same refusals.
"""

from __future__ import annotations

from dataclasses import dataclass

from pylon_tui.api.issue_lookup import IssueSource, look_up
from pylon_tui.domain import LinkedIssue
from pylon_tui.domain.issue_refs import IssueRef


@dataclass(frozen=True, slots=True)
class Trackers:
    """An IssueFinder over whichever clients are configured (None: that tracker is not)."""

    linear: IssueSource | None
    github: IssueSource | None

    async def find(self, ref: IssueRef) -> LinkedIssue | None:
        return await look_up(ref, linear=self.linear, github=self.github)


__all__ = ["Trackers"]
