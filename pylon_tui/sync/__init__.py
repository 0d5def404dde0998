"""Sync layer: keeps the board in step with Pylon. Never imports textual or rich.

The names callers need, in one place: the service, the typed intents they submit, and what
can become of them. The modules below stay importable for the few who need more.

The names load with the module that defines them, when first used: importing one
submodule (the store, the errors) must not import them all, or the board's first frame
waits for every client and httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylon_tui.lazy import lazy_names

if TYPE_CHECKING:
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

_HOME = {
    "ActionFailed": "outcomes",
    "ActionKind": "intents",
    "ActionNotSaved": "outcomes",
    "ActionQueued": "outcomes",
    "Assign": "intents",
    "BoardService": "service",
    "ClosedWhenLinked": "closed_links",
    "Confirmation": "service",
    "Conflict": "delivery",
    "Departure": "departures",
    "DrainReport": "outcomes",
    "GitHubLookup": "ports",
    "Intent": "intents",
    "IssueFinder": "ports",
    "LinearLookup": "ports",
    "LinearPort": "ports",
    "Link": "intents",
    "LinkStates": "linkwatch",
    "LinkWatcher": "linkwatch",
    "MessageIntent": "intents",
    "Move": "intents",
    "Note": "intents",
    "Outcome": "service",
    "Pending": "outcomes",
    "PylonApi": "ports",
    "PylonExtras": "ports",
    "PylonWrites": "ports",
    "Reply": "intents",
    "Returned": "linkwatch",
    "SetPriority": "intents",
    "SetTags": "intents",
    "Snooze": "intents",
    "Trackers": "trackers",
    "Undoable": "intents",
    "Unlink": "intents",
}


__getattr__ = lazy_names(__name__, _HOME)

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
