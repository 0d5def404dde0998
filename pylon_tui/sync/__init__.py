"""Sync layer: keeps the board in step with Pylon. Never imports textual or rich.

The names callers need, in one place: the service, the typed intents they submit, and what
can become of them. The modules below stay importable for the few who need more.
"""

from .delivery import Conflict
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
)
from .linkwatch import LinkStates, LinkWatcher, Returned
from .outcomes import ActionFailed, ActionNotSaved, ActionQueued, DrainReport, Pending
from .ports import GitHubLookup, LinearLookup, LinearPort, PylonApi, PylonWrites
from .service import BoardService, Confirmation, Outcome

__all__ = [
    "ActionFailed",
    "ActionKind",
    "ActionNotSaved",
    "ActionQueued",
    "Assign",
    "BoardService",
    "Confirmation",
    "Conflict",
    "DrainReport",
    "GitHubLookup",
    "Intent",
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
    "PylonWrites",
    "Reply",
    "Returned",
    "SetPriority",
]
