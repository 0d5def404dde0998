"""Names for assignees the directory does not know (issue 18).

Pylon's GET /users leaves deactivated users out, so a ticket still assigned to a teammate who
left (or to one who joined since the names were loaded) would show a bare id. After a full
load the service asks GET /users/{id} for exactly those ids, a few per load: the answer says
whether the user is deactivated, so the name shows on the card and the pickers still never
offer them. A refusal or a miss leaves the id as it was: names never block the board.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Directory, Ticket, User

MAX_LOOKUPS = 10
"""Per full load: an org with many departed assignees fills in over a few loads."""


class UserLookup(Protocol):
    async def user(self, user_id: str) -> User: ...


def strangers(directory: Directory, tickets: Iterable[Ticket]) -> list[str]:
    """Assignee ids on `tickets` the directory has no name for, in first-seen order."""
    unknown = (t.assignee_id for t in tickets if t.assignee_id)
    return [uid for uid in dict.fromkeys(unknown) if uid not in directory.users]


async def name_strangers(
    client: UserLookup, directory: Directory, tickets: Iterable[Ticket], tried: set[str]
) -> Directory:
    """The directory with whichever unknown assignees GET /users/{id} could name. `tried`
    remembers the ids already asked for in this run, so a miss is not asked again."""
    found: dict[str, User] = {}
    for user_id in [u for u in strangers(directory, tickets) if u not in tried][:MAX_LOOKUPS]:
        tried.add(user_id)
        try:
            found[user_id] = await client.user(user_id)
        except ApiError:
            continue
    if not found:
        return directory
    return Directory({**directory.users, **found}, directory.teams, directory.accounts)
