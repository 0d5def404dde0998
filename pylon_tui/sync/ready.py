"""The "ready to tell" queue (issue 15): tickets whose engineering issue just closed, each
with a drafted reply waiting for the user to review and send.

An entry says which issue ended and how; the words live in the ticket's reply draft (the
drafts the reply dialog already restores), so `r` on such a ticket opens the drafted reply
too, and sending it from anywhere empties the entry. Nothing here sends: the user does,
one by one or through "send all", which shows each reply before it goes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import partial

from pylon_tui.domain import LinkedIssue, Outcome, Ticket

from .drafts import Drafts
from .store import Store

META_KEY = "ready_to_tell"


@dataclass(frozen=True, slots=True)
class ReadyEntry:
    ticket_id: str
    number: int
    identifier: str
    title: str
    outcome: str
    release: str | None = None

    @property
    def ending(self) -> Outcome:
        try:
            return Outcome(self.outcome)
        except ValueError:
            return Outcome.FIXED

    @property
    def flagged(self) -> bool:
        """No draft to send: the issue was deleted, someone must ask engineering first."""
        return self.ending is Outcome.DELETED

    def summary(self) -> str:
        what = self.ending.label
        release = f" in {self.release}" if self.release else ""
        flag = " · check with engineering first" if self.flagged else ""
        return f"#{self.number} · {self.identifier} {what}{release}{flag}"


class ReadyToTell:
    def __init__(self, store: Store, drafts: Drafts) -> None:
        self.store = store
        self.drafts = drafts

    def _read(self) -> dict[str, ReadyEntry]:
        raw = self.store.get_meta(META_KEY)
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            return {}
        out: dict[str, ReadyEntry] = {}
        for key, value in data.items() if isinstance(data, dict) else ():
            try:
                out[str(key)] = ReadyEntry(**value)
            except TypeError:
                continue  # a damaged entry costs only its place in the queue
        return out

    def _write(self, entries: dict[str, ReadyEntry]) -> bool:
        text = json.dumps({k: asdict(v) for k, v in sorted(entries.items())})
        return self.store.best_effort(partial(self.store.set_meta, **{META_KEY: text}))

    def add(self, ticket: Ticket, issue: LinkedIssue, draft: str | None) -> bool:
        """Queue the ticket; the draft is written only if the user has none of their own
        (their words are never replaced). True when a draft from the template was saved."""
        entries = self._read()
        entries[ticket.id] = ReadyEntry(
            ticket.id,
            ticket.number,
            issue.identifier,
            issue.title,
            issue.outcome.value,
            issue.release,
        )
        self._write(entries)
        if draft is None or self.drafts.get(ticket.id, "reply"):
            return False
        self.drafts.save(ticket.id, "reply", draft)
        return True

    def entries(self) -> list[ReadyEntry]:
        """Still to tell, oldest ticket number first: a sent (or emptied) reply draft
        takes its ticket out, except a flagged one, which waits to be dismissed."""
        entries = self._read()
        live = {k: e for k, e in entries.items() if e.flagged or self.drafts.get(k, "reply")}
        if len(live) != len(entries):
            self._write(live)
        return sorted(live.values(), key=lambda e: e.number)

    def done(self, ticket_id: str) -> None:
        entries = self._read()
        if entries.pop(ticket_id, None) is not None:
            self._write(entries)


__all__ = ["ReadyEntry", "ReadyToTell"]
