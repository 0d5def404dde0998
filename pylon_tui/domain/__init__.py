"""Pure domain model: no I/O, no third-party imports (a test enforces it)."""

from .board import Board
from .column import DEFAULT_COLUMNS, Column, ColumnRouter
from .cursor import BoardCursor
from .directory import Account, Directory, Message, Team, User
from .filters import MatchContext, TicketFilter, View, compile_query, sla_at_risk
from .links import ExternalLink, IssueStateType, LinkedIssue, Outcome, all_links_closed
from .priority import Priority, priority_rank
from .query import Query, QueryError
from .rules import MoveCheck, MoveVerdict, check_move, check_move_to_column
from .sla import SlaPolicy
from .sorting import SortOrder
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
    "MatchContext",
    "Message",
    "MoveCheck",
    "MoveVerdict",
    "Outcome",
    "Priority",
    "Query",
    "QueryError",
    "SlaPolicy",
    "SortOrder",
    "StateCatalog",
    "StateInfo",
    "Team",
    "Ticket",
    "TicketFilter",
    "User",
    "View",
    "all_links_closed",
    "check_move",
    "check_move_to_column",
    "compile_query",
    "priority_rank",
    "sla_at_risk",
]
