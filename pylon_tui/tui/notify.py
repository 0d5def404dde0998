"""Desktop notifications that travel over SSH, and the `[notify]` command hook.

OSC 9 (`ESC ] 9 ; text BEL`: iTerm2, WezTerm, Windows Terminal, kitty, foot, ghostty) and
OSC 777 (`ESC ] 777 ; notify ; title ; body BEL`: rxvt-unicode, VTE terminals, ghostty) are
written to the terminal like any output, so they reach the user's desktop through ssh (and
through tmux with `allow-passthrough on`). The text is Pylon's (titles): one line, every
control character removed, and `;` kept out of OSC 777's fields, so it can never end the
sequence early or start another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pylon_tui.domain.alerts import Alert, AlertWatch, DesktopChannel, NotifySettings
from pylon_tui.domain.custom_actions import fill_argv
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync.commands import run_argv

if TYPE_CHECKING:
    from textual.app import App

MAX_OSC_CHARS = 200
HOOK_SECONDS = 10.0


def osc_sequences(alert: Alert, channel: DesktopChannel) -> list[str]:
    title = one_line(alert.title)[:MAX_OSC_CHARS]
    body = one_line(alert.body)[:MAX_OSC_CHARS]
    out = []
    if channel in (DesktopChannel.OSC9, DesktopChannel.BOTH):
        out.append(f"\x1b]9;{title}: {body}\x07")
    if channel in (DesktopChannel.OSC777, DesktopChannel.BOTH):
        out.append(f"\x1b]777;notify;{title.replace(';', ',')};{body.replace(';', ',')}\x07")
    return out


class Notifier:
    """Turns what the app saw into alerts and sends them; quiet when `[notify]` is off."""

    def __init__(self, app: App[Any], settings: NotifySettings) -> None:
        self.app = app
        self.settings = settings
        self.watch = AlertWatch(settings)
        self.sent: list[Alert] = []
        """Every alert sent this session (tests and the bench read it)."""
        self._hook_failed = False

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def send(self, alerts: list[Alert]) -> None:
        if not alerts or not self.enabled:
            return
        for alert in alerts:
            self.sent.append(alert)
            self._write_osc(alert)
            if self.settings.command:
                self.app.run_worker(self._hook(alert), group="notify", exit_on_error=False)

    def _write_osc(self, alert: Alert) -> None:
        driver = getattr(self.app, "_driver", None)
        if driver is None or self.settings.desktop is DesktopChannel.OFF:
            return
        for sequence in osc_sequences(alert, self.settings.desktop):
            driver.write(sequence)

    async def _hook(self, alert: Alert) -> None:
        argv = fill_argv(self.settings.command, alert.values())
        result = await run_argv(argv, limit_seconds=HOOK_SECONDS)
        if not result.ok and not self._hook_failed:
            self._hook_failed = True  # said once: a broken hook must not toast every minute
            self.app.notify(
                f"[notify] command: {result.summary(argv[0])}. Fix it in config.toml.",
                severity="warning",
                timeout=15,
            )
