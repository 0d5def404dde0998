"""Which message of a thread a customer-facing reply answers.

Pylon routes a reply by the message it names (the channel, the Slack thread, an email's reply
chain), so the choice decides where the customer sees the answer. Pylon promises no order for
GET /issues/{id}/messages, and "not private" also covers our own earlier replies, so the
position in the list says nothing: the newest message by timestamp is the one being answered,
and a customer's message beats an agent's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .directory import Message


def reply_target(messages: Sequence[Message]) -> Message | None:
    """The newest customer-visible message, preferring the customer's own; None when the
    thread has nothing a reply may answer (only internal notes, or no messages at all).

    Undated messages count as oldest; among equal timestamps the later one in the list wins,
    so a server that does return the thread in order keeps its order.
    """
    visible = [m for m in messages if not m.is_private]
    customer = [m for m in visible if m.is_customer]
    pool = customer or visible
    if not pool:
        return None
    newest = max(range(len(pool)), key=lambda i: (_when(pool[i]), i))
    return pool[newest]


def _when(message: Message) -> float:
    """Seconds since the epoch; an undated (or unrepresentable) time sorts first."""
    if message.timestamp is None:
        return -math.inf
    try:
        return message.timestamp.timestamp()
    except (OverflowError, ValueError, OSError):
        return -math.inf
