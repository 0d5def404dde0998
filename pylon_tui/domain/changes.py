"""What changed in one board column since a given board version.

Views repaint a column from its first changed row down, and only the cards replaced in place
above it. The log is read, never consumed, so any number of readers (the board screen, a
test, a second view) each ask about their own last version and get the same answer. It is
capped: a reader too far behind is told to repaint everything, which is always correct.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter


@dataclass(frozen=True, slots=True)
class ColumnChanges:
    first_row: int | None
    """Rows from here down may hold another ticket (insert, removal, shift); None: none do."""
    replaced: frozenset[int]
    """Rows above `first_row` whose ticket was replaced by a newer copy at the same place."""


NO_CHANGES = ColumnChanges(None, frozenset())
EVERYTHING = ColumnChanges(0, frozenset())

_version = itemgetter(0)


class ChangeLog:
    """One column's changes as (board version, row, replaced in place) entries, oldest first."""

    CAP = 256

    def __init__(self) -> None:
        self._entries: list[tuple[int, int, bool]] = []
        self._floor = 0
        """Readers older than this version may have missed entries: they repaint it all."""

    def reset(self, version: int) -> None:
        """The column was rebuilt wholesale at `version`: older readers start over."""
        self._entries.clear()
        self._floor = version

    def record(self, version: int, row: int, *, in_place: bool) -> None:
        entries = self._entries
        entries.append((version, row, in_place))
        if len(entries) > self.CAP:
            drop = len(entries) // 2
            self._floor = entries[drop - 1][0]
            del entries[:drop]

    def since(self, version: int) -> ColumnChanges:
        """Changes a reader who last looked at `version` has not seen.

        A structural change at row p leaves every row above p where it was, so rows above
        the smallest such p are the reader's rows, and an in-place replacement recorded
        there is still at the row it names.
        """
        if version < self._floor:
            return EVERYTHING
        entries = self._entries
        start = bisect_right(entries, version, key=_version)
        if start == len(entries):
            return NO_CHANGES
        unseen = entries[start:]
        moved = [row for _, row, in_place in unseen if not in_place]
        first = min(moved) if moved else None
        replaced = frozenset(
            row for _, row, in_place in unseen if in_place and (first is None or row < first)
        )
        return ColumnChanges(first, replaced)
