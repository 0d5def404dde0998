"""Undo send and the collision guard (issue 15): a reply or note waits in the outbox for a
grace period before it goes, and a reply is held if the customer wrote meanwhile.

The outbox asks `ready` before it delivers an entry and does nothing else differently, so
this file is the whole feature on the sync side: the grace period (a wall-clock time in the
cache, so a restart neither forgets it nor restarts it), the take-back (undo), and the
guard. A held reply waits for the user whatever the clock says; nothing is sent unseen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Message

from .cachefile import StoreUnavailable
from .intents import Intent, Reply
from .outcomes import ActionNotSaved, DrainReport, Held
from .ports import PylonApi
from .queued import Queued
from .send_holds_table import Claim, SendHold
from .store import Store

COLLISION = "the customer wrote after this reply was started"


@dataclass(frozen=True, slots=True)
class Waiting:
    """A queued reply or note still inside its grace period (or held): what the status bar
    counts down and what undo takes back."""

    hold: SendHold
    action: Intent

    def seconds_left(self, now: float) -> int:
        return max(0, math.ceil(self.hold.send_after - now))

    @property
    def held(self) -> bool:
        return self.hold.held is not None


class SendHolds:
    def __init__(self, store: Store, client: PylonApi, clock: Callable[[], float]) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self._announced: set[str] = set()
        """Held entries already reported in this run (a restart reports each again once)."""

    # ----- the user's side -------------------------------------------------------------
    def hold(self, action: Intent, *, grace: float, seen_at: float | None) -> None:
        """Record the wait before the entry exists (see send_holds_table): ActionNotSaved
        when the cache refuses, so nothing is queued that could skip its grace period."""
        try:
            self.store.add_send_hold(
                action.client_key,
                action.ticket_id,
                send_after=self.clock() + max(0.0, grace),
                seen_at=seen_at,
            )
        except StoreUnavailable as trouble:
            raise ActionNotSaved(action, None, trouble) from None

    def forget(self, action: Intent) -> None:
        """The entry was never queued after all: drop its hold row (best effort)."""
        self.store.best_effort(self.store.drop_stray_holds)

    def waiting(self, queued: list[Queued]) -> list[Waiting]:
        """Every held or counting-down entry, soonest first (none when the disk fails)."""
        try:
            holds = self.store.send_holds()
        except StoreUnavailable:
            return []
        by_key = {q.action.client_key: q.action for q in queued}
        return [Waiting(h, by_key[h.client_key]) for h in holds if h.client_key in by_key]

    def take_back(self, key: str) -> bool:
        """Undo: True when the entry is gone from the outbox and will never be sent."""
        try:
            return self.store.take_back_send(key)
        except StoreUnavailable:
            return False

    def release(self, key: str) -> bool:
        """Send a held reply as is: due now, and the messages that held it count as seen."""
        return self.store.best_effort(partial(self.store.release_send, key, seen_at=self.clock()))

    # ----- the sender's side -----------------------------------------------------------
    async def ready(self, q: Queued, holds: dict[str, SendHold], report: DrainReport) -> bool:
        """May the outbox deliver `q` now? `holds` is the drain's snapshot: an entry that had
        a hold must claim it, so one taken back meanwhile (the claim finds no row) is never
        sent. A reply is first checked against its thread (the collision guard)."""
        key = q.action.client_key
        hold = holds.get(key)
        if hold is None:
            return True
        if hold.held is not None:
            if key not in self._announced:
                self._announced.add(key)
                report.held.append(Held(q.action, ()))
            return False
        if hold.send_after > self.clock():
            return False
        action = q.action
        if isinstance(action, Reply) and hold.seen_at is not None and not q.maybe_sent:
            try:
                thread = await self.client.messages(action.ticket_id)
            except ApiError as error:  # unchecked is unsent: try again at the next drain
                if error.transient:
                    report.offline = error
                return False
            new = _written_since(thread, hold.seen_at)
            if new:
                self.store.best_effort(partial(self.store.hold_send, key, COLLISION))
                self._announced.add(key)
                report.held.append(Held(action, new))
                return False
        return self.store.claim_send(key, self.clock()) == Claim.SEND

    def snapshot(self) -> dict[str, SendHold]:
        try:
            return {h.client_key: h for h in self.store.send_holds()}
        except StoreUnavailable:
            return {}


def _written_since(messages: list[Message], since: float) -> tuple[Message, ...]:
    """The customer's visible messages newer than `since` (epoch seconds), oldest first."""
    new = [
        m
        for m in messages
        if m.is_customer
        and not m.is_private
        and m.timestamp is not None
        and m.timestamp.timestamp() > since
    ]
    new.sort(key=lambda m: m.timestamp.timestamp() if m.timestamp else 0.0)
    return tuple(new)


def new_messages(messages: list[Message], since: float) -> tuple[Message, ...]:
    return _written_since(messages, since)


__all__ = ["COLLISION", "SendHolds", "Waiting", "new_messages"]
