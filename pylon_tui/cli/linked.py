"""`pylon-tui linked [--json]` (issue 15): every engineering issue open tickets wait on, with
its state, assignee and the tickets (and accounts) waiting, most waited on first."""

from __future__ import annotations

from typing import Any

from pylon_tui.api.errors import ApiError
from pylon_tui.bootstrap import Services
from pylon_tui.config import Config
from pylon_tui.domain import Category, Ticket
from pylon_tui.domain.blast import IssueGroup, group_by_issue
from pylon_tui.domain.safe_text import one_line

from .commands import EXIT_OK, _run
from .output import err, say, say_json


def _ticket(ticket: Ticket, services: Services) -> dict[str, Any]:
    board, directory = services.service.board, services.service.directory
    return {
        "number": ticket.number,
        "title": ticket.title,
        "state": ticket.state,
        "column": board.catalog.label_of(ticket.state),
        "account": directory.account_name(ticket.account_id) or None,
        "link": ticket.link,
    }


def _group_json(group: IssueGroup, services: Services) -> dict[str, Any]:
    live = group.live
    directory = services.service.directory
    return {
        "issue": group.label,
        "source": group.link.source,
        "external_id": group.link.external_id,
        "url": group.link.url,
        "title": live.title if live is not None else None,
        "state": live.state_name if live is not None else None,
        "state_type": live.state_type.value if live is not None else None,
        "outcome": live.outcome.value if live is not None else None,
        "assignee": live.assignee if live is not None else None,
        "release": live.release if live is not None else None,
        "waiting": group.waiting,
        "accounts": [directory.account_name(a) for a in group.account_ids],
        "tickets": [_ticket(t, services) for t in group.tickets],
    }


def linked(config: Config, *, as_json: bool) -> int:
    async def body(services: Services) -> int:
        service = services.service
        await service.load()
        watcher = services.watcher()
        note = ""
        try:
            await watcher.refresh_states()
        except ApiError as error:  # the tickets still show; only the live states are missing
            note = f"linked issues' states could not be read: {error}"
            err(f"pylon-tui: warning: {note}")
        catalog = service.board.catalog
        groups = group_by_issue(
            service.board.all(),
            include=lambda t: catalog.category_of(t.state) is not Category.CLOSED,
            live=watcher.live,
        )
        if as_json:
            say_json(
                {
                    "sandbox": services.sandbox,
                    "issues": [_group_json(g, services) for g in groups],
                    **({"warning": note} if note else {}),
                }
            )
            return EXIT_OK
        if not groups:
            say("No open ticket has a linked Linear or GitHub issue")
        for group in groups:
            live = group.live
            state = live.state_name if live is not None else "state unknown"
            who = live.assignee if live is not None and live.assignee else "unassigned"
            say(
                f"{one_line(group.label)} · {one_line(state)} · {one_line(who)} · "
                f"{group.waiting} waiting"
            )
            for ticket in group.tickets:
                account = service.directory.account_name(ticket.account_id)
                say(
                    f"  #{ticket.number} [{one_line(catalog.label_of(ticket.state))}] "
                    f"{one_line(ticket.title)} — {one_line(account)}"
                )
        return EXIT_OK

    return _run(config, body)
