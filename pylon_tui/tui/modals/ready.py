"""The ready-to-tell list (issue 15): tickets whose issue closed, each with a drafted reply.

A picker (type to narrow, like the others: its Input( filter field comes from PickerModal),
plus one key that walks every reply, each shown in the editor before it goes.
"""

from __future__ import annotations

from pylon_tui.tui.catalog import Scope, bindings

from .picker import PickerModal

SEND_ALL = "\x00all"
"""What the picker answers for "send all" (no ticket id looks like it)."""


class ReadyPicker(PickerModal):
    """Enter reviews one reply; the send-all key answers SEND_ALL. Typing narrows the list
    (PickerModal's Input( field), so only ctrl keys are bound here."""

    BINDINGS = bindings(
        Scope.DIALOG, "ready_send_all", "dialog_cancel", "picker_down", "picker_up", "dialog_help"
    )

    def action_send_all(self) -> None:
        self.dismiss(SEND_ALL)
