"""`--read-only` on a screen: every write binding disabled (dimmed in the footer) and, when
its key is pressed anyway, a toast saying why instead of nothing."""

from __future__ import annotations

from textual.actions import parse
from textual.events import Key
from textual.screen import Screen

from . import is_write_action, read_only_refusal


class ReadOnlyGuard(Screen[None]):
    """Mixed into the board and detail screens; `read_only` says whether writes are off."""

    @property
    def read_only(self) -> bool:
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and self.writes_action(action, parameters):
            return None  # disabled: shown dimmed, never run
        return True

    def writes_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        """The catalogue's marker; a custom action says for itself (`writes = false` keeps
        a look-only command on under --read-only)."""
        if action == "custom":
            return self.custom_action_writes(str(parameters[0]) if parameters else "")
        return is_write_action(action)

    def custom_action_writes(self, name: str) -> bool:
        """Unknown here: count it as a write (off under --read-only)."""
        return True

    def refuse_write_key(self, event: Key) -> None:
        """Call from on_key: a write key under --read-only gets a toast naming the way out."""
        if not self.read_only:
            return
        active = self.active_bindings.get(event.key)
        if active is None:
            return
        _, action, parameters = parse(active.binding.action)
        if self.writes_action(action, parameters):
            event.stop()
            self.app.notify(read_only_refusal(active.binding.description), severity="warning")
