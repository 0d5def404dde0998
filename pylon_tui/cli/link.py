"""`move --link`: the headless half of the On Hold gate (find the issue, link it).

The reference is a Linear one (URL, ENG-42, UUID) or a GitHub issue URL, read by the same
parser the hold dialog uses, so the two accept and refuse exactly the same text."""

from __future__ import annotations

from pylon_tui.api.errors import ApiError
from pylon_tui.api.issue_lookup import NotConfiguredError, look_up, not_found_hint
from pylon_tui.bootstrap import Services
from pylon_tui.cli.output import say
from pylon_tui.domain import Ticket
from pylon_tui.domain.issue_refs import GITHUB, IssueRefError, parse_issue_ref
from pylon_tui.sync import ClosedWhenLinked, Link


class LinkProblem(ApiError):
    """A link the user asked for that cannot be made; carries the fix like any API error."""


async def link_ticket(
    services: Services, ticket: Ticket, ref: str, *, allow_closed: bool = False
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
    if issue.is_closed:  # before the link: a running board's watcher reads the same cache
        ClosedWhenLinked(services.service.store).add(ticket.id, issue.external_id)
    result = await services.service.run(Link.to_issue(ticket, issue, based=False))
    say(f"#{ticket.number} linked to {issue.identifier} ({issue.state_name})")
    return result or ticket
