"""What screens and the app tell each other, as Textual messages (past tense: it happened).

Screens never import one another: a screen that wants another screen shown, or the board
repainted after work it did not start, says so here and the app or the receiving screen
acts. Direct calls remain only top-down (the app telling its board the sync state).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.message import Message


class TicketsChanged(Message, bubble=False):
    """Board data changed in the background (a send finished, a dialog's writes began, a
    conflict settled): each screen on the stack brings itself up to date.

    `follow` names a ticket that moved and that the cursor should follow, as after a key
    press that moved it."""

    def __init__(self, follow: str | None = None) -> None:
        super().__init__()
        self.follow = follow


class OpenTicket(Message):
    """A screen asked for a ticket's detail; it bubbles to the app, which shows it."""

    def __init__(self, ticket_id: str) -> None:
        super().__init__()
        self.ticket_id = ticket_id


class RefreshRequested(Message):
    """The user asked for a refresh now; it bubbles to the app, which owns the sync loop."""


def broadcast(app: App[object], make: Callable[[], Message]) -> None:
    """Post a fresh message to every screen on the stack (a message is handled once, so
    each screen gets its own)."""
    for screen in app.screen_stack:
        screen.post_message(make())
