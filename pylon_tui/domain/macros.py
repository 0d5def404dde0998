"""Pylon macros and org tags, and what applying a macro may change from here.

A macro is text (inserted into the reply or note editor as plain text: it is the team's
shared wording, but still untrusted input) plus actions. Pylon's published `MacroAction`
has only a `type`, not the value it sets, so the values come from the team's config
(`[macros."NAME"]`: state, priority, assignee, tags), or from extra fields should Pylon ever
send them. pylon-tui applies an action only when it maps to a field it can set (state, tags,
priority, assignee) AND its value is known; everything else is listed as "not applied here",
never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .priority import Priority
from .ticket import Ticket


@dataclass(frozen=True, slots=True)
class MacroAction:
    type: str
    value: str | None = None
    """The one value an action sets (a state slug, a priority, a user id), if sent."""
    values: tuple[str, ...] | None = None
    """The list an action sets or adds (tags), if sent."""


@dataclass(frozen=True, slots=True)
class Macro:
    id: str
    name: str
    text_html: str
    text_type: str = "reply"
    """"reply", "note" or "email" (Pylon's words): which editor lists it first."""
    actions: tuple[MacroAction, ...] = ()

    def fits(self, editor: str) -> bool:
        """Whether this macro is written for the editor ("reply" takes email macros too)."""
        if editor == "note":
            return self.text_type == "note"
        return self.text_type in ("reply", "email")


@dataclass(frozen=True, slots=True)
class OrgTag:
    value: str
    hex_color: str | None = None


@dataclass(frozen=True, slots=True)
class MacroPlan:
    """What applying macros to one ticket changes, and what it leaves for Pylon's web app."""

    state: str | None = None
    tags: tuple[str, ...] | None = None
    priority: Priority | None = None
    clear_priority: bool = False
    assignee_id: str | None = None
    skipped: tuple[str, ...] = field(default=())
    """One phrase per action not applied here ("send_csat_survey", "set_issue_state (no
    value sent)")."""

    @property
    def changes_anything(self) -> bool:
        return (
            self.state is not None
            or self.tags is not None
            or self.priority is not None
            or self.clear_priority
            or self.assignee_id is not None
        )


_STATE = {"set_issue_state", "set_state", "change_issue_state"}
_TAGS_SET = {"set_issue_tags", "set_tags"}
_TAGS_ADD = {"add_issue_tags", "add_tags"}
_TAGS_REMOVE = {"remove_issue_tags", "remove_tags"}
_PRIORITY = {"set_issue_priority", "set_priority"}
_ASSIGNEE = {"set_issue_assignee", "assign_issue", "set_assignee"}
APPLIED_TYPES = frozenset(_STATE | _TAGS_SET | _TAGS_ADD | _TAGS_REMOVE | _PRIORITY | _ASSIGNEE)


STATE_ACTION, PRIORITY_ACTION, ASSIGNEE_ACTION = (
    "set_issue_state",
    "set_issue_priority",
    "set_issue_assignee",
)
TAGS_ACTION, ADD_TAGS_ACTION, REMOVE_TAGS_ACTION = (
    "set_issue_tags",
    "add_issue_tags",
    "remove_issue_tags",
)


def _family(kind: str) -> str:
    for family in (_STATE, _TAGS_SET, _TAGS_ADD, _TAGS_REMOVE, _PRIORITY, _ASSIGNEE):
        if kind in family:
            return min(family)
    return kind


def effective_actions(macro: Macro, configured: Sequence[MacroAction]) -> tuple[MacroAction, ...]:
    """The macro's actions with the values the config gives them: an action Pylon sent
    without a value takes the configured one of its kind; configured actions the macro does
    not list are the team's word and are kept too (after the macro's own)."""
    given = {_family(a.type): a for a in configured}
    used: set[str] = set()
    out: list[MacroAction] = []
    for action in macro.actions:
        known = action.value is not None or action.values is not None
        family = _family(action.type)
        if not known and family in given:
            out.append(given[family])
            used.add(family)
        else:
            out.append(action)
    out += [a for family, a in given.items() if family not in used]
    return tuple(out)


def plan_macros(
    macros: Sequence[Macro],
    ticket: Ticket,
    user_id: Callable[[str], str | None],
    configured: Mapping[str, Sequence[MacroAction]] | None = None,
) -> MacroPlan:
    """Fold the actions of the macros the user inserted, in order, into one plan for
    `ticket`. `user_id` turns an action's assignee (an id or an email) into a known user's
    id, or None; `configured` gives the values of each macro's actions by its name or id."""
    configured = configured or {}
    state: str | None = None
    tags: list[str] | None = None
    priority: Priority | None = None
    clear = False
    assignee: str | None = None
    skipped: list[str] = []
    for macro in macros:
        given = configured.get(macro.id) or configured.get(macro.name) or ()
        for action in effective_actions(macro, given):
            kind = action.type
            if kind not in APPLIED_TYPES:
                skipped.append(kind or "an action with no type")
            elif kind in _STATE:
                if action.value:
                    state = action.value
                else:
                    skipped.append(f"{kind} (Pylon did not say which state)")
            elif kind in _PRIORITY:
                if action.value in (None, ""):
                    clear = action.value == ""
                    if not clear:
                        skipped.append(f"{kind} (Pylon did not say which priority)")
                    priority = None
                else:
                    parsed = Priority.parse(action.value)
                    if parsed is None:
                        skipped.append(f"{kind} ({action.value!r} is not a priority)")
                    else:
                        priority, clear = parsed, False
            elif kind in _ASSIGNEE:
                found = user_id(action.value) if action.value else None
                if found:
                    assignee = found
                elif action.value:
                    skipped.append(f"{kind} (no teammate {action.value!r} in Pylon)")
                else:
                    skipped.append(f"{kind} (Pylon did not say who)")
            elif action.values is None:
                skipped.append(f"{kind} (Pylon did not say which tags)")
            else:
                current = list(ticket.tags) if tags is None else tags
                tags = _fold_tags(kind, current, action.values)
    return MacroPlan(
        state=state,
        tags=tuple(tags) if tags is not None and tuple(tags) != ticket.tags else None,
        priority=priority if priority is not ticket.priority else None,
        clear_priority=clear and ticket.priority is not None,
        assignee_id=assignee if assignee != ticket.assignee_id else None,
        skipped=tuple(dict.fromkeys(skipped)),
    )


def _fold_tags(kind: str, current: list[str], values: tuple[str, ...]) -> list[str]:
    if kind in _TAGS_SET:
        return list(dict.fromkeys(values))
    if kind in _TAGS_ADD:
        return list(dict.fromkeys([*current, *values]))
    return [t for t in current if t not in values]


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """The exact list to send: trimmed, one line each, no empties, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        clean = " ".join(tag.split())
        if clean and clean.lower() not in seen:
            seen[clean.lower()] = clean
    return tuple(seen.values())
