"""pylon-tui: a keyboard-driven Kanban board for Pylon support tickets."""

__version__ = "0.1.0"
