"""Custom actions (`[actions.NAME]`): an argv template filled from the focused ticket.

Each argument is filled on its own and handed to the program as one argv element, never to
a shell, so a ticket title like `"; rm -rf ~` is just text in one argument. Values are
untrusted: control characters are removed and each is one line. Placeholders are checked
when the config is read, so a typo is an error at start, not a surprise at the key press.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from string import Formatter

from .directory import Directory
from .safe_text import one_line
from .ticket import Ticket

PLACEHOLDERS: dict[str, str] = {
    "number": "the ticket number (71)",
    "id": "the Pylon issue id",
    "title": "the ticket title",
    "state": "its status slug (waiting_on_you)",
    "priority": "urgent, high, medium, low or empty",
    "account": "the account's name",
    "account_id": "the account's id",
    "assignee": "the assignee's name, or empty",
    "assignee_email": "the assignee's email, or empty",
    "tags": "the tags, comma-separated",
    "link": "the ticket's Pylon link",
    "linked": "the linked issues' URLs, space-separated",
}
"""Every `{name}` an argv template may use, with what it becomes (shown in the README)."""

MAX_VALUE_CHARS = 2000


class TemplateError(ValueError):
    """A template that cannot be filled: an unknown `{name}`, or a stray brace."""


def template_fields(argument: str, known: Collection[str] = tuple(PLACEHOLDERS)) -> list[str]:
    """The `{names}` one argument uses; TemplateError for one not in `known`, or a stray
    brace (`{{` and `}}` are literal braces)."""
    try:
        parsed = list(Formatter().parse(argument))
    except ValueError as error:
        raise TemplateError(
            f"{argument!r}: {error} (write {{{{ or }}}} for a literal brace)"
        ) from None
    names: list[str] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in known or spec or conversion:
            names_known = ", ".join("{" + p + "}" for p in known)
            raise TemplateError(f"{argument!r} uses {{{name}}}; the placeholders are {names_known}")
        names.append(name)
    return names


def ticket_values(ticket: Ticket, directory: Directory) -> dict[str, str]:
    """What each placeholder becomes for `ticket`: one safe line each."""
    assignee = directory.users.get(ticket.assignee_id) if ticket.assignee_id else None
    account = directory.accounts.get(ticket.account_id) if ticket.account_id else None
    raw = {
        "number": str(ticket.number),
        "id": ticket.id,
        "title": ticket.title,
        "state": ticket.state,
        "priority": ticket.priority.value if ticket.priority else "",
        "account": account.name if account else "",
        "account_id": ticket.account_id or "",
        "assignee": assignee.name if assignee else "",
        "assignee_email": assignee.email if assignee else "",
        "tags": ",".join(ticket.tags),
        "link": ticket.link or "",
        "linked": " ".join(link.url for link in ticket.links if link.url),
    }
    return {k: one_line(v)[:MAX_VALUE_CHARS] for k, v in raw.items()}


def fill_argv(template: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """The argv to run: each template argument filled in on its own."""
    return [argument.format_map(values) for argument in template]


@dataclass(frozen=True, slots=True)
class CustomAction:
    """One `[actions.NAME]` entry, validated."""

    name: str
    key: str
    argv: tuple[str, ...]
    description: str = ""
    confirm: bool = False
    show_output: bool = False
    writes: bool = True
    """Whether it may change something (read-only mode disables it); false for actions that
    only look, such as opening a URL."""
    timeout: float = 30.0

    @property
    def label(self) -> str:
        return self.description or self.name
