"""Saved views: the built-in ones (what the quick filters were) and the config's own.

The config's views come first, in file order, so a team's own views get the first number
keys; a config view with a built-in's name replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .filters import View
from .query import parse
from .sorting import SortOrder

BUILTIN_VIEWS: tuple[View, ...] = (
    View("mine", parse("assignee:me"), label="Mine"),
    View("unassigned", parse("assignee:none"), label="Unassigned"),
    View("urgent", parse("priority:urgent"), label="Urgent"),
    View("sla", parse("sla:<1h"), SortOrder.SLA, label="SLA breaching"),
)


def all_views(configured: Iterable[View]) -> list[View]:
    mine = list(configured)
    names = {v.name for v in mine}
    return mine + [v for v in BUILTIN_VIEWS if v.name not in names]


class UnknownView(LookupError):
    def __init__(self, name: str, views: Sequence[View]) -> None:
        known = ", ".join(v.name for v in views)
        super().__init__(f"no view {name!r}; views: {known} (add one as [views.NAME] in config)")


def find_view(views: Sequence[View], name: str) -> View:
    wanted = name.strip().lower()
    for view in views:
        if view.name.lower() == wanted:
            return view
    raise UnknownView(name, views)
