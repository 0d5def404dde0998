"""`--read-only` on a screen: every write binding disabled (dimmed in the footer) and, when
its key is pressed anyway, a toast saying why instead of nothing."""

from __future__ import annotations

from textual.events import Key
from textual.screen import Screen

from . import is_write_action, read_only_refusal


class ReadOnlyGuard(Screen[None]):
    """Mixed into the board and detail screens; `read_only` says whether writes are off."""

    @property
    def read_only(self) -> bool:
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and is_write_action(action):
            return None  # disabled: shown dimmed, never run
        return True

    def refuse_write_key(self, event: Key) -> None:
        """Call from on_key: a write key under --read-only gets a toast naming the way out."""
        if not self.read_only:
            return
        active = self.active_bindings.get(event.key)
        if active is not None and is_write_action(active.binding.action.split("(", 1)[0]):
            event.stop()
            self.app.notify(read_only_refusal(active.binding.description), severity="warning")
