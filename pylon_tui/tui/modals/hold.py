"""Placeholder replaced by the HoldModal flow (issue 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylon_tui.domain import Ticket
    from pylon_tui.tui.screens.board import BoardScreen


def open_hold_flow(screen: BoardScreen, ticket: Ticket, *, then_move_to: str | None) -> None:
    screen.notify(
        f"#{ticket.number} needs a linked Linear issue before it can go On Hold",
        severity="warning",
    )
