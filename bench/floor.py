"""The Textual floor: the first paint of a one-widget Textual app on the same pty.

`python -m bench.floor` is exec'd by pty_run.py exactly like the board: its one `Static`
shows a card-like text (`#1 floor`), so the same first-card pattern times it. Nothing else is
imported, so the figure is Python's start, Textual's import and its first frame: the least
any Textual board can take on this machine, in this run.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("#1 floor")


if __name__ == "__main__":
    FloorApp().run()
