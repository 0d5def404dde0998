"""The triage tools' part of the app context: what their flows read (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pylon_tui.domain.alerts import NotifySettings
from pylon_tui.domain.custom_actions import CustomAction
from pylon_tui.domain.macros import MacroAction
from pylon_tui.sync import PylonExtras


@dataclass
class ToolsContext:
    extras: PylonExtras | None = None
    """Macros, org tags and AI drafts; None where the client offers none (a test double)."""
    ai_agent_id: str | None = None
    actions: tuple[CustomAction, ...] = ()
    macro_settings: dict[str, tuple[MacroAction, ...]] = field(default_factory=dict)
    notify: NotifySettings = field(default_factory=NotifySettings)
