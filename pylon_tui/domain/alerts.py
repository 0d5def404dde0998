"""Notifications outside the terminal: what is worth telling, decided from board snapshots.

Pure: the app hands in what it saw (tickets, what the link watcher returned) and gets the
alerts to deliver; delivery (OSC 9 / OSC 777 escape sequences, a command hook) is the tui's.
The first look at a board is a baseline: starting pylon-tui never announces the tickets that
were already there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .safe_text import one_line
from .ticket import Ticket


class AlertEvent(StrEnum):
    NEW_TICKET = "new_ticket"
    SLA = "sla"
    AUTO_RETURN = "auto_return"


class DesktopChannel(StrEnum):
    OFF = "off"
    OSC9 = "osc9"
    OSC777 = "osc777"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """`[notify]` in config.toml."""

    desktop: DesktopChannel = DesktopChannel.OFF
    command: tuple[str, ...] = ()
    """An argv run per alert, with `{event}`, `{title}`, `{body}`, `{number}`, `{link}`."""
    events: frozenset[AlertEvent] = frozenset(AlertEvent)
    sla_minutes: int = 15

    @property
    def enabled(self) -> bool:
        return self.desktop is not DesktopChannel.OFF or bool(self.command)


NOTIFY_PLACEHOLDERS = ("event", "title", "body", "number", "link")


@dataclass(frozen=True, slots=True)
class Alert:
    event: AlertEvent
    title: str
    body: str
    number: int | None = None
    link: str = ""

    def values(self) -> dict[str, str]:
        return {
            "event": self.event.value,
            "title": one_line(self.title),
            "body": one_line(self.body),
            "number": str(self.number) if self.number is not None else "",
            "link": one_line(self.link),
        }


@dataclass
class AlertWatch:
    """Remembers what was already said, so each ticket is announced once per event."""

    settings: NotifySettings
    _known: set[str] | None = None
    _sla_told: set[str] = field(default_factory=set)

    def after_refresh(
        self, tickets: Iterable[Ticket], new_states: Collection[str], now: datetime
    ) -> list[Alert]:
        """New tickets since the last look (in `new_states`) and SLAs about to breach."""
        tickets = list(tickets)
        alerts: list[Alert] = []
        fresh = {t.id for t in tickets if t.state in new_states}
        if self._known is not None and AlertEvent.NEW_TICKET in self.settings.events:
            for t in sorted(tickets, key=lambda t: t.number):
                if t.id in fresh and t.id not in self._known:
                    alerts.append(_alert(AlertEvent.NEW_TICKET, f"New ticket #{t.number}", t))
        self._known = fresh | (self._known or set())
        if AlertEvent.SLA in self.settings.events:
            soon = now + timedelta(minutes=self.settings.sla_minutes)
            for t in sorted(tickets, key=lambda t: t.number):
                breach = t.resolution_breach_time
                if breach is None or t.state == "closed" or t.id in self._sla_told:
                    continue
                if now <= breach <= soon:
                    self._sla_told.add(t.id)
                    minutes = max(1, int((breach - now).total_seconds() // 60))
                    title = f"SLA breach in {minutes}m: #{t.number}"
                    alerts.append(_alert(AlertEvent.SLA, title, t))
        return alerts

    def returned(self, items: Iterable[tuple[Ticket | None, str]]) -> list[Alert]:
        """Tickets the link watcher sent back to On You: (ticket if known, what happened)."""
        if AlertEvent.AUTO_RETURN not in self.settings.events:
            return []
        out = []
        for ticket, said in items:
            if ticket is None:
                out.append(Alert(AlertEvent.AUTO_RETURN, "Back to On You", one_line(said)))
            else:
                out.append(
                    _alert(AlertEvent.AUTO_RETURN, f"#{ticket.number} back to On You", ticket, said)
                )
        return out


def _alert(event: AlertEvent, title: str, ticket: Ticket, body: str | None = None) -> Alert:
    return Alert(event, title, one_line(body or ticket.title), ticket.number, ticket.link or "")
