"""How one queued action reaches Pylon exactly once, even after a crash or a lost answer.

Before re-sending an action that may already have arrived (an attempt was started), the
server is asked first: a move whose state is already there is done; a reply whose marker or
text is already in the thread is done. An action whose ticket changed on the server since
the user saw it (and in the very field it touches) becomes a conflict for the user to settle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pylon_tui.api.errors import ApiError, AuthError, BadResponseError
from pylon_tui.domain import Message, Ticket
from pylon_tui.domain.htmltext import html_to_text

from .intents import MARKER, Intent, MessageIntent, Move
from .queued import Queued

MAX_BACKOFF = 60.0
REQUEST_TIMEOUT = 15.0
"""PylonClient's default timeout: an unanswered request may be in the server's hands that long."""
LANDING_MARGIN = 45.0
"""How much longer a server may take to apply a request whose answer we gave up on (a slow
backend behind a proxy). No resend happens while the first attempt could still land."""
MIN_RECHECK = 5.0
GATEWAY_STATUSES = frozenset({502, 503, 504})


class Verdict(StrEnum):
    SEND = "send"
    DONE = "done"
    CONFLICT = "conflict"
    WAIT = "wait"
    """Not on the server yet, but an earlier attempt may still land: look again later."""


def is_retryable(error: ApiError) -> bool:
    """Keep queued (not rolled back) when trying again later can succeed.

    Auth failures stay queued too: the fix is a new token, and the user's work must survive it.
    A malformed answer may hide a write that did land, so it is retried with verification.
    """
    return error.transient or isinstance(error, AuthError | BadResponseError)


def request_finished(error: ApiError) -> bool:
    """The server answered, so that request cannot land later. A gateway's 502-504 may have
    given up while the origin still works on it; a lost connection or timeout proves nothing."""
    if isinstance(error, BadResponseError):
        return True
    return error.status is not None and error.status not in GATEWAY_STATUSES


def proves_not_applied(error: ApiError) -> bool:
    """A 4xx (429 included) is a refusal: the write was not made. Anything else may hide one."""
    return error.status is not None and 400 <= error.status < 500


def recheck_delay(now: float, may_land_until: float) -> float:
    """Poll with backoff, but land exactly on the deadline: halve what is left, at least
    MIN_RECHECK apart, so a 60 s window costs about five reads of the thread."""
    left = max(0.0, may_land_until - now)
    return min(left, max(MIN_RECHECK, left / 2))


def checking_text(queued: Queued, message: MessageIntent) -> str:
    """What the status bar says while a message's fate (`queued.action`) is being settled."""
    what = message.noun
    target = f"#{queued.before.number}" if queued.before is not None else "a ticket"
    return f"checking whether the {what} on {target} arrived before sending it again"


def backoff(attempts: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return max(1.0, retry_after)
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts))


def marked_html(message: MessageIntent) -> str:
    """Append an invisible marker so a replay can recognise its own message."""
    return message.marked_html()


ColumnOf = Callable[[str], int | None]
"""The board column a state slug shows in (None: no column shows it)."""


def already_done(action: Intent, server: Ticket, column_of: ColumnOf | None = None) -> bool:
    """The server already has what the user asked for, so nothing is sent and nothing is
    asked. A move is about the column the user put the card in: when Pylon put the ticket
    there by itself (linking an unfinished issue moves it On Hold, maybe into the workspace's
    own On Hold status), that is the user's move confirmed, not a conflict."""
    if action.already_on(server):
        return True
    if not isinstance(action, Move) or column_of is None:
        return False
    wanted = column_of(action.state)
    return wanted is not None and column_of(server.state) == wanted


def judge(server: Ticket, queued: Queued, column_of: ColumnOf | None = None) -> Verdict:
    action = queued.action
    if already_done(action, server, column_of):
        return Verdict.DONE
    base = action.base_updated_at
    before = queued.before
    if (
        base is not None
        and before is not None
        and server.updated_at > base
        and action.touches_changed(server, before)
    ):
        return Verdict.CONFLICT
    return Verdict.SEND


def message_already_posted(messages: list[Message], queued: Queued, mine: MessageIntent) -> bool:
    """Our marker, or the same text posted by us around the time of the first attempt.
    `mine` is `queued.action`, known to be a reply or a note."""
    key = f"{MARKER}{mine.client_key}"
    ours = " ".join(html_to_text(mine.body_html).split())
    for message in messages:
        if key in message.html:
            return True
        if message.is_customer or message.timestamp is None:
            continue
        text = " ".join(html_to_text(message.html).split())
        if text and text == ours:
            created = queued.created_at - 120
            if message.timestamp.timestamp() >= created:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Conflict:
    """Shown to the user: what they asked for, and what the server has now."""

    queued: Queued
    server: Ticket

    def describe(self, label_of: dict[str, str] | None = None) -> tuple[str, str]:
        return self.queued.action.conflict_text(self.queued.before, self.server, label_of or {})
