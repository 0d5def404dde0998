"""A dialog's keys act in the order they were typed, however fast they arrive.

Textual hands a typed key to the focused field by queueing it on that field, to be handled
when the field's task next runs; a key the field does not take (enter in a one-line field)
then travels back up to the app, which runs the field's binding for it. A dialog's priority
key (ctrl+s send, escape cancel, ctrl+t template, ...) takes neither trip: the app runs its
action the moment it takes the key from its own queue. When several keys arrive in one read
of the terminal (normal over SSH, and on any busy machine) the app takes them all before
the field has run, so ctrl+s read the editor before the words typed just ahead of it were
in, and the reply went out as the bare template, the words lost without a trace.

So such a key waits at a gate until the keys before it have landed: the app sends a marker
along the way those keys and what they cause travel (the focused field, its containers, the
dialog, the app itself), twice, since a key can cause a message that needs a second trip
(enter in the tag editor is the field's binding, run by the app, which posts Submitted to
the field, which the dialog handles by ticking the tag). When the marker is back the key
goes on. Keys typed after it wait at the gate meanwhile, so none of them overtakes it; the
app itself keeps running (timers, refreshes), nothing blocks. Text typed into a dialog that
has just opened waits the same way until the dialog has focused its field.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

CATCH_UP_SECONDS = 3.0
"""A bound, never a delay: the marker is back after a few task switches. Should it never
come back (a bug), the held keys go on after this long rather than stay held."""

ROUNDS = 2
"""Trips of the marker: a key, then the message its binding posts (see the module doc)."""


def from_terminal(event: events.Event) -> bool:
    """Typing the app has not handed on yet: keys and pastes, in the order they came."""
    return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded


def needs_catch_up(app: App[Any], event: events.Event) -> bool:
    """A key in a dialog that a dialog binding may act on at once (not plain text), or any
    key while the dialog has no field focused yet (just opened: the text typed into it
    would land on the dialog itself, and be dropped). Plain text into a field goes there in
    order anyway, and the board (no dialog) keeps its keys' latency untouched."""
    stack = app.screen_stack
    if not isinstance(event, events.Key) or not stack or not isinstance(stack[-1], ModalScreen):
        return False
    return not event.is_printable or stack[-1].focused is None


def marker_path(app: App[Any], screen: Screen[Any]) -> Sequence[MessagePump]:
    """Where the keys typed so far went and where what they cause travels: the focused
    field (nothing focused: the dialog), its containers up to the dialog, then the app."""
    start = screen.focused or screen
    path: list[MessagePump] = []
    for node in start.ancestors_with_self:
        path.append(node)
        if node is screen:
            break
    return [*path, app] * ROUNDS


class KeyGate:
    """The app's keys from the terminal pass here first (see the module doc).

    `handle` is the app's own handling of an event (Textual's `App.on_event`)."""

    def __init__(self, app: App[Any], handle: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.handle = handle
        self.held: deque[events.Event] = deque()
        self._waiting: object | None = None
        """The trip under way (a fresh token each time); None: the gate is open."""
        self._bound: Timer | None = None
        self._caught_up: events.Event | None = None

    def admit(self, event: events.Event) -> bool:
        """True when the app may handle `event` now; False: the gate keeps it for later."""
        if not from_terminal(event):
            return True
        if self._waiting is not None:
            self.held.append(event)
            return False
        if event is self._caught_up:
            self._caught_up = None
            return True
        if not needs_catch_up(self.app, event):
            return True
        self._close(event)
        return False

    def _close(self, event: events.Event) -> None:
        self.held.appendleft(event)
        token = self._waiting = object()
        path = marker_path(self.app, self.app.screen)

        def step(index: int) -> None:
            # Each stop queues the next behind everything already waiting there; a stop
            # that is closing has nothing left to handle, so the marker goes past it.
            while index < len(path):
                if path[index].call_later(step, index + 1):
                    return
                index += 1
            self.app.call_later(self._open, token)

        self._bound = self.app.set_timer(CATCH_UP_SECONDS, lambda: self._open(token))
        step(0)

    async def _open(self, token: object) -> None:
        """The keys before the first held one are in: hand the held keys on, in order,
        until one of them has to wait in turn."""
        if token is not self._waiting:
            return  # that trip ended already (its marker, or its time bound)
        self._waiting = None
        if self._bound is not None:
            self._bound.stop()
            self._bound = None
        if self.held:
            self._caught_up = self.held[0]
        while self.held and self._waiting is None:
            event = self.held.popleft()
            if self.admit(event):
                await self.handle(event)
