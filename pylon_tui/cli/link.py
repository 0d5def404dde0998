"""`move --link`: the headless half of the On Hold gate (find the issue, link it).

The reference is a Linear one (URL, ENG-42, UUID) or a GitHub issue URL, read by the same
parser the hold dialog uses, so the two accept and refuse exactly the same text."""

from __future__ import annotations

from pylon_tui.api.errors import ApiError
from pylon_tui.api.issue_lookup import NotConfiguredError, look_up, not_found_hint
from pylon_tui.bootstrap import Services, cache_path
from pylon_tui.cli.output import err, say
from pylon_tui.config import Config
from pylon_tui.domain import Ticket
from pylon_tui.domain.issue_refs import GITHUB, IssueRefError, parse_issue_ref
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import ClosedWhenLinked, Link
from pylon_tui.sync.store import Store, StoreCorrupt


class LinkProblem(ApiError):
    """A link the user asked for that cannot be made; carries the fix like any API error."""


async def link_ticket(
    services: Services,
    ticket: Ticket,
    ref: str,
    *,
    allow_closed: bool = False,
    config: Config | None = None,
) -> Ticket:
    try:
        parsed = parse_issue_ref(ref)
    except IssueRefError as error:
        hint = "use ENG-42, a linear.app URL, an issue UUID or a GitHub issue URL"
        raise LinkProblem(str(error), service="Linear", hint=hint) from error
    service = "GitHub" if parsed.source == GITHUB else "Linear"
    try:
        issue = await look_up(parsed, linear=services.linear, github=services.github)
    except NotConfiguredError as error:
        raise LinkProblem(error.message, service=service, hint=error.hint) from error
    if issue is None:
        raise LinkProblem(
            f"{service} has no issue '{parsed.label}'", service=service, hint=not_found_hint(parsed)
        )
    if issue.is_closed and not allow_closed:
        raise LinkProblem(
            f"{issue.identifier} is already closed ({issue.state_name}), so it would never "
            "return the ticket to On You: it stays On Hold until you move it",
            service=service,
            hint="link an open issue, or add --allow-closed to link it anyway",
        )
    if issue.is_closed and config is not None:  # before the link: a board may be polling
        problem = remember_closed(config, ticket.id, issue.external_id)
        if problem:
            err(f"pylon-tui: warning: {problem}")
    result = await services.service.run(Link.to_issue(ticket, issue, based=False))
    say(f"#{ticket.number} linked to {issue.identifier} ({issue.state_name})")
    return result or ticket


def remember_closed(config: Config, ticket_id: str, external_id: str) -> str | None:
    """Note in this workspace's board cache that the issue was closed when linked, so the
    board's link watcher (running now, or at its next start) never reads it as a fresh close
    and bounces the ticket back. Returns a warning when it could not be noted.

    No cache yet means no board has run here: its first poll takes every close it finds as
    the baseline anyway. A cache this command cannot open is left exactly as it is (moving a
    damaged one aside is the board's job, with the user watching)."""
    path = cache_path(config, create=False)
    if not path.is_file():
        return None
    failed = (
        "could not note in the board's cache that the issue was already closed; the board may "
        "return the ticket to On You at its next poll"
    )
    try:
        store = Store(path)
    except (StoreCorrupt, OSError) as error:
        if isinstance(error, StoreCorrupt) and error.db is not None:
            error.db.close()
        return f"{failed} ({one_line(str(error))[:120]})"
    try:
        return None if ClosedWhenLinked(store).add(ticket_id, external_id) else failed
    finally:
        store.close()
