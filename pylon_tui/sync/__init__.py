"""Sync layer: keeps the board in step with Pylon. Never imports textual or rich.

The names callers need, in one place: the service, the typed intents they submit, and what
can become of them. The modules below stay importable for the few who need more.
"""

from .closed_links import ClosedWhenLinked
from .delivery import Conflict
from .departures import Departure
from .intents import (
    ActionKind,
    Assign,
    Intent,
    Link,
    MessageIntent,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Undoable,
    Unlink,
)
from .linkwatch import LinkStates, LinkWatcher, Returned
from .outcomes import ActionFailed, ActionNotSaved, ActionQueued, DrainReport, Pending
from .ports import (
    GitHubLookup,
    IssueFinder,
    LinearLookup,
    LinearPort,
    PylonApi,
    PylonExtras,
    PylonWrites,
)
from .service import BoardService, Confirmation, Outcome
from .trackers import Trackers

__all__ = [
    "ActionFailed",
    "ActionKind",
    "ActionNotSaved",
    "ActionQueued",
    "Assign",
    "BoardService",
    "ClosedWhenLinked",
    "Confirmation",
    "Conflict",
    "Departure",
    "DrainReport",
    "GitHubLookup",
    "Intent",
    "IssueFinder",
    "LinearLookup",
    "LinearPort",
    "Link",
    "LinkStates",
    "LinkWatcher",
    "MessageIntent",
    "Move",
    "Note",
    "Outcome",
    "Pending",
    "PylonApi",
    "PylonExtras",
    "PylonWrites",
    "Reply",
    "Returned",
    "SetPriority",
    "SetTags",
    "Snooze",
    "Trackers",
    "Undoable",
    "Unlink",
]
