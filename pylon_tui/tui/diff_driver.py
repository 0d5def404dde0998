"""The terminal driver that writes each frame through a ScreenDiff (tui/screen_diff.py).

Only a real terminal's driver is wrapped: the headless driver of the tests and the web
driver write no terminal bytes. `PYLON_TUI_FULL_FRAMES=1` turns it off (every frame as
Textual writes it), should a terminal ever disagree with the copy.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from pylon_tui.tui.screen_diff import ScreenDiff

if TYPE_CHECKING:
    from textual.driver import Driver

FULL_FRAMES_ENV = "PYLON_TUI_FULL_FRAMES"


def diffing(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, writing only changed cells when it drives a POSIX terminal."""
    if sys.platform == "win32" or os.environ.get(FULL_FRAMES_ENV, "") not in ("", "0"):
        return driver_class
    from textual.drivers.linux_driver import LinuxDriver

    if not issubclass(driver_class, LinuxDriver):
        return driver_class

    class DiffingDriver(driver_class):  # type: ignore[valid-type,misc]
        screen_diff: ScreenDiff | None = None

        def write(self, data: str) -> None:
            diff = self.screen_diff
            if diff is None:
                diff = self.screen_diff = ScreenDiff()
            size = self._app.size  # a new size forgets the copy: the terminal redraws
            diff.resize(size.width, size.height)
            encoded = diff.encode(data)
            if encoded:
                super().write(encoded)

    DiffingDriver.__name__ = DiffingDriver.__qualname__ = f"Diffing{driver_class.__name__}"
    return DiffingDriver
