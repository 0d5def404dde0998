"""What every screen needs from the app, in one typed object (no reaching into App attrs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pylon_tui.domain import SlaPolicy, View
from pylon_tui.domain.views import BUILTIN_VIEWS
from pylon_tui.sync import BoardService, IssueFinder, LinearPort, LinkWatcher

from .context_tools import ToolsContext


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    service: BoardService
    sandbox: bool = False
    templates: dict[str, str] = field(default_factory=dict)
    refresh_seconds: float = 30.0
    now: Callable[[], datetime] = _utcnow
    link_states: dict[str, str] = field(default_factory=dict)
    """external_id -> short live state ("Done", "In Progress"), filled by the link watcher."""
    bell_on_return: bool = False
    linear: LinearPort | None = None
    issues: IssueFinder | None = None
    """Looks up what the hold dialog is given (Linear or GitHub); None when neither is
    configured."""
    watcher: LinkWatcher | None = None
    send_grace: float = 0.0
    """Undo send: seconds a reply or note waits in the outbox (0: sent at once, as before)."""
    tools: ToolsContext = field(default_factory=ToolsContext)
    """Macros, tags, AI drafts, custom actions and notifications (issue 14)."""
    crash_log: Path | None = None
    theme: str = "default"
    """The `[ui] theme` choice ("default" or "high-contrast")."""
    save_theme: Callable[[str], Path] | None = None
    """Writes a theme choice to the config (returns the file); None: nowhere to save it."""
    """Where an unexpected error's traceback (never its local variables) is written."""
    views: tuple[View, ...] = BUILTIN_VIEWS
    """The view picker's list: the config's `[views.NAME]` first, then the built-ins."""
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    read_only: bool = False
    """`--read-only`: no key, flow, queued change or auto-return writes to Pylon."""

    def link_closed(self, external_id: str) -> bool | None:
        """What the link watcher last saw: True closed, False open, None not known."""
        issue = self.watcher.live.get(external_id) if self.watcher is not None else None
        return None if issue is None else issue.is_closed
