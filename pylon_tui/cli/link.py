"""`move --link`: the headless half of the On Hold gate (find the Linear issue, link it)."""

from __future__ import annotations

from pylon_tui.api.errors import ApiError
from pylon_tui.api.linear import LinearRefError
from pylon_tui.bootstrap import Services
from pylon_tui.cli.output import say
from pylon_tui.domain import Ticket
from pylon_tui.sync.intents import Link


class LinkProblem(ApiError):
    """A link the user asked for that cannot be made; carries the fix like any API error."""


async def link_ticket(
    services: Services, ticket: Ticket, ref: str, *, allow_closed: bool = False
) -> Ticket:
    if services.linear is None:
        raise LinkProblem(
            "no Linear API key is configured",
            service="Linear",
            hint="set LINEAR_API_KEY or [linear] token_command in config.toml",
        )
    try:
        issue = await services.linear.issue(ref)
    except LinearRefError as error:
        hint = "use ENG-42, a linear.app URL or an issue UUID"
        raise LinkProblem(str(error), service="Linear", hint=hint) from error
    if issue is None:
        raise LinkProblem(
            f"Linear has no issue '{ref}'", service="Linear", hint="check the identifier in Linear"
        )
    if issue.is_closed and not allow_closed:
        raise LinkProblem(
            f"{issue.identifier} is already closed ({issue.state_name}); the ticket would "
            "return to On You at the next poll",
            service="Linear",
            hint="link an open issue, or add --allow-closed to link it anyway",
        )
    result = await services.service.run(Link.to_linear(ticket, issue, based=False))
    say(f"#{ticket.number} linked to {issue.identifier} ({issue.state_name})")
    return result or ticket
