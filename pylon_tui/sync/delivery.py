"""How one queued action reaches Pylon exactly once, even after a crash or a lost answer.

Before re-sending an action that may already have arrived (an attempt was started), the
server is asked first: a move whose state is already there is done; a reply whose marker or
text is already in the thread is done. An action whose ticket changed on the server since
the user saw it (and in the very field it touches) becomes a conflict for the user to settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pylon_tui.api.errors import ApiError, AuthError, BadResponseError
from pylon_tui.domain import Message, Priority, Ticket
from pylon_tui.domain.htmltext import html_to_text

from .actions import Action, ActionKind
from .queued import Queued

MAX_BACKOFF = 60.0
MARKER = "pylon-tui:"
REQUEST_TIMEOUT = 15.0
"""PylonClient's default timeout: an unanswered request may be in the server's hands that long."""
LANDING_MARGIN = 45.0
"""How much longer a server may take to apply a request whose answer we gave up on (a slow
backend behind a proxy). No resend happens while the first attempt could still land."""
MIN_RECHECK = 5.0
GATEWAY_STATUSES = frozenset({502, 503, 504})
MESSAGE_KINDS = frozenset({ActionKind.REPLY, ActionKind.NOTE})


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


def checking_text(queued: Queued) -> str:
    """What the status bar says while a message's fate is being settled."""
    what = "reply" if queued.action.kind is ActionKind.REPLY else "note"
    target = f"#{queued.before.number}" if queued.before is not None else "a ticket"
    return f"checking whether the {what} on {target} arrived before sending it again"


def backoff(attempts: int, retry_after: float | None = None) -> float:
    if retry_after is not None:
        return max(1.0, retry_after)
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts))


def marked_html(action: Action) -> str:
    """Append an invisible marker so a replay can recognise its own message."""
    return f"{action.extra.get('body_html', '')}<!-- {MARKER}{action.client_key} -->"


def already_applied(server: Ticket, action: Action) -> bool:
    if action.kind is ActionKind.MOVE:
        return server.state == action.value
    if action.kind is ActionKind.PRIORITY:
        return server.priority == Priority.parse(action.value)
    if action.kind is ActionKind.ASSIGN:
        return server.assignee_id == (action.value or None)
    if action.kind is ActionKind.LINK:
        return any(link.external_id == action.value for link in server.links)
    return False


def touched_field_changed(server: Ticket, before: Ticket, action: Action) -> bool:
    if action.kind is ActionKind.MOVE:
        return server.state != before.state
    if action.kind is ActionKind.PRIORITY:
        return server.priority != before.priority
    if action.kind is ActionKind.ASSIGN:
        return server.assignee_id != before.assignee_id
    return False


def judge(server: Ticket, queued: Queued) -> Verdict:
    action = queued.action
    if already_applied(server, action):
        return Verdict.DONE
    base = action.base_updated_at
    before = queued.before
    if (
        base is not None
        and before is not None
        and server.updated_at > base
        and touched_field_changed(server, before, action)
    ):
        return Verdict.CONFLICT
    return Verdict.SEND


def message_already_posted(messages: list[Message], queued: Queued) -> bool:
    """Our marker, or the same text posted by us around the time of the first attempt."""
    action = queued.action
    key = f"{MARKER}{action.client_key}"
    ours = " ".join(html_to_text(action.extra.get("body_html", "")).split())
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
        labels = label_of or {}
        action, before, server = self.queued.action, self.queued.before, self.server
        if action.kind is ActionKind.MOVE:
            mine = labels.get(action.value or "", action.value or "")
            was = labels.get(before.state, before.state) if before else "?"
            now = labels.get(server.state, server.state)
            return (f"move from {was} to {mine}", f"now {now} (changed on the server)")
        if action.kind is ActionKind.PRIORITY:
            now = server.priority.value if server.priority else "none"
            return (f"priority {action.value or 'none'}", f"priority is now {now}")
        if action.kind is ActionKind.ASSIGN:
            return ("change the assignee", f"assignee is now {server.assignee_id or 'nobody'}")
        return (action.describe(), "changed on the server")
