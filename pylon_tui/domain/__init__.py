"""Pure domain model: no I/O, no third-party imports (a test enforces it)."""

from .board import Board
from .column import DEFAULT_COLUMNS, Column, ColumnRouter
from .cursor import BoardCursor
from .directory import Account, Directory, Message, Team, User
from .filters import QuickFilter, TicketFilter, sla_at_risk
from .links import ExternalLink, IssueStateType, LinkedIssue, Outcome, all_links_closed
from .priority import Priority, priority_rank
from .rules import MoveCheck, MoveVerdict, check_move, check_move_to_column
from .state import Category, StateCatalog, StateInfo
from .ticket import Ticket

__all__ = [
    "DEFAULT_COLUMNS",
    "Account",
    "Board",
    "BoardCursor",
    "Category",
    "Column",
    "ColumnRouter",
    "Directory",
    "ExternalLink",
    "IssueStateType",
    "LinkedIssue",
    "Message",
    "MoveCheck",
    "MoveVerdict",
    "Outcome",
    "Priority",
    "QuickFilter",
    "StateCatalog",
    "StateInfo",
    "Team",
    "Ticket",
    "TicketFilter",
    "User",
    "all_links_closed",
    "check_move",
    "check_move_to_column",
    "priority_rank",
    "sla_at_risk",
]
