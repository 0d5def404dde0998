"""Where the keyboard focus is on the board, independent of any widget.

The cursor remembers a row per column, so hopping across and back returns where you were,
and it re-anchors on a ticket id after the data changes so focus follows a moved card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class BoardCursor:
    column_count: int
    column: int = 0
    rows: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = [0] * self.column_count

    @property
    def row(self) -> int:
        return self.rows[self.column]

    def clamp(self, lengths: Sequence[int]) -> None:
        for index, length in enumerate(lengths):
            self.rows[index] = max(0, min(self.rows[index], length - 1))

    def move_row(self, delta: int, length: int) -> bool:
        new = max(0, min(self.row + delta, length - 1))
        changed = new != self.row
        self.rows[self.column] = max(new, 0)
        return changed

    def move_column(self, delta: int) -> bool:
        new = max(0, min(self.column + delta, self.column_count - 1))
        changed = new != self.column
        self.column = new
        return changed

    def focus(self, column: int, row: int) -> None:
        self.column = max(0, min(column, self.column_count - 1))
        self.rows[self.column] = max(0, row)
