"""A board from less than it asked for: directories a token may not read, statuses it cannot place.

Pylon lets an admin give an API token a Role that limits what it can access. The board needs
the tickets; names (users, teams, accounts), custom statuses and the priority field only make
it nicer. So a 403 on one of those degrades: the board keeps what it already had (the cache's
names, or ids), says so in one line, and loads anyway. A ticket whose status the client cannot
place (a category that is none of Pylon's five, or a slug GET /issue-statuses never listed)
lands in "other states", which the board counts in its status bar and lists on `o`; each such
status is logged once, so nobody wonders where its tickets went.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from pylon_tui.api.errors import ApiError, AuthError
from pylon_tui.domain import Board
from pylon_tui.domain.safe_text import one_line

T = TypeVar("T")
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library logs; the app decides whether anyone reads it


def forbidden(error: ApiError) -> bool:
    """A 403 for the token's role: not a bad token (401) and not a token of another region."""
    return isinstance(error, AuthError) and error.status == 403 and not error.wrong_region


class DirectoryReads:
    """One load of the names: each directory endpoint read, or kept as it was when refused."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    async def read(
        self, fetch: Callable[[], Awaitable[list[T]]], what: str, keep: Iterable[T]
    ) -> list[T]:
        """`fetch()`'s answer; on a 403 `keep` (what the board already has) instead."""
        try:
            return await fetch()
        except AuthError as error:
            if not forbidden(error):
                raise
        self.refused.append(what)
        log.warning("Pylon refused %s to this token (403): the board goes on without them", what)
        return list(keep)

    def note(self, client: object) -> str:
        """The one line the status bar and `doctor` show ("" when nothing was refused).
        `client` may say its priority field could not be read (PylonClient does)."""
        refused = list(self.refused)
        if getattr(client, "priority_refused", False):
            refused.append("custom fields")
        if not refused:
            return ""
        return f"no names: this token may not read {', '.join(refused)} (403)"


class UnplacedStates:
    """Logs each status slug whose tickets no column can place, once per service."""

    def __init__(self) -> None:
        self.logged: set[str] = set()

    def log_new(self, board: Board) -> None:
        catalog = board.catalog
        counts = Counter(t.state for t in board.hidden() if catalog.category_of(t.state) is None)
        for slug, count in sorted(counts.items()):
            if slug in self.logged:
                continue
            self.logged.add(slug)
            log.warning(
                "status %r has no category this client knows: its %d ticket(s) are under "
                "'other states' (o)",
                one_line(slug),
                count,
            )
