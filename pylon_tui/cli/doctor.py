"""`pylon-tui doctor`: every check a support engineer would otherwise do by hand, each with
the fix when it fails. Never prints a token."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from pylon_tui.api.errors import ApiError
from pylon_tui.api.machine_budget import MachineBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions
from pylon_tui.bootstrap import Services, make_services, pylon_base_url, pylon_region
from pylon_tui.cli.doctor_local import check_columns, print_paths
from pylon_tui.cli.output import say
from pylon_tui.config import Config, paths
from pylon_tui.domain import Ticket
from pylon_tui.domain.region import TOKEN_PREFIXES, token_kind
from pylon_tui.domain.safe_text import one_line

REPLIES_UNATTRIBUTED = (
    "replies and notes go out under the API token's own name, and that is what customers "
    "see (unless an admin made the token 'Act as user or bot')"
)


class Report:
    def __init__(self) -> None:
        self.failed = 0

    def ok(self, what: str) -> None:
        say(f"  ✓ {what}")

    def bad(self, what: str, fix: str) -> None:
        self.failed += 1
        say(f"  ✗ {what}\n      fix: {fix}")

    def info(self, what: str) -> None:
        say(f"  · {what}")

    def warn(self, what: str, fix: str) -> None:
        """Works, but costs something the user should know about (not a failure)."""
        say(f"  ! {what}\n      fix: {fix}")


def run_doctor(config: Config) -> int:
    report = Report()
    say("Config")
    source = config.source_path
    if source is None or not source.exists():
        report.info(f"no config file at {paths.config_path()} (defaults; `pylon-tui setup`)")
    else:
        report.ok(f"config file {source} parses")
    if config.sandbox:
        report.info("no Pylon token: running against the built-in sandbox")
    else:
        token = config.pylon.token
        report.ok(f"Pylon token from {token.source if token else '?'}")
        _region(config, report)
    asyncio.run(_remote_checks(config, report))
    print_paths(config, report)
    say("All good." if not report.failed else f"{report.failed} problem(s) found.")
    return 0 if not report.failed else 1


async def _remote_checks(config: Config, report: Report) -> None:
    services = make_services(config)
    try:
        say("Pylon")
        if not await _check(report, "reach Pylon and authenticate (GET /me)", _me(services)):
            return
        _rate_budget(services, report)
        if await _check(report, "read statuses, users, teams, accounts", _names(services)):
            _me_email(services, report)
            check_columns(config, services.service.board.catalog, report)
        await _identity(services, report)
        await _priority(services, report)
        board: list[Ticket] = []
        await _check(report, "search tickets", _search(services, board))
        say("Linear")
        if services.linear is None:
            report.bad(
                "no Linear API key (needed to put tickets On Hold)",
                "set LINEAR_API_KEY, or [linear] token_command / token in config.toml",
            )
        else:
            await _check(report, "reach Linear (teams)", _linear_teams(services))
        if not config.sandbox:
            _github_token(board, config.github.token is not None, report)
    finally:
        await services.aclose()


async def _check(report: Report, what: str, probe: Awaitable[str]) -> bool:
    try:
        detail = await probe
    except ApiError as error:
        report.bad(f"{what}: {error}", error.hint or "see the message above")
        return False
    report.ok(f"{what}: {detail}" if detail else what)
    return True


async def _me(services: Services) -> str:
    pylon = services.pylon
    assert isinstance(pylon, PylonClient)  # make_services builds the real client; /me is its own
    org = await pylon.me()
    return f"organisation {org.name or org.id}"


async def _names(services: Services) -> str:
    service = services.service
    await service.load_names()
    directory = service.directory
    restricted = f"; {service.names_note}" if service.names_note else ""
    return (
        f"{len(service.board.catalog.all())} statuses, {len(directory.users)} users, "
        f"{len(directory.teams)} teams, {len(directory.accounts)} accounts{restricted}"
    )


def _rate_budget(services: Services, report: Report) -> None:
    """Whether this process shares the machine's rate budget with the others."""
    budget = getattr(services.pylon, "budget", None)
    if not isinstance(budget, MachineBudget):
        return
    if budget.open():
        report.warn(budget.note or "", "make the state directory writable (see File locations)")
    else:
        report.ok(f"rate budget shared by this machine's pylon-tui processes: {budget.path}")


async def _search(services: Services, board: list[Ticket]) -> str:
    tickets = await services.pylon.search_issues(services.service.board_filter())
    board.extend(tickets)
    return f"{len(tickets)} tickets on the board"


def _github_token(board: list[Ticket], has_token: bool, report: Report) -> None:
    """GitHub links are watched with ETags, but a 304 is free only for an authenticated
    request: without a token every poll spends the 60-an-hour allowance of this IP."""
    linked = sum(1 for t in board if any(link.source == "github" for link in t.links))
    if not linked:
        return
    say("GitHub")
    if has_token:
        report.ok(f"GitHub token set; {linked} ticket(s) link GitHub issues")
        return
    report.warn(
        f"{linked} ticket(s) link GitHub issues but no GitHub token is set: every poll costs "
        "part of GitHub's 60 requests an hour per IP (a 304 is free only with a token), and "
        "private repositories answer 404",
        "set GITHUB_TOKEN, or [github] token_command in config.toml (read access is enough)",
    )


def _me_email(services: Services, report: Report) -> None:
    email = services.service.me_email
    if not email:
        report.bad(
            "me_email is not set (A = assign to me, Mine filter)",
            'add me_email = "you@company.com" to config.toml',
        )
        return
    if services.service.directory.user_by_email(email) is not None:
        report.ok(f"me_email {email} is a Pylon user")
    else:
        report.bad(f"me_email {email} matches no Pylon user", "use your Pylon login email")


def _region(config: Config, report: Report) -> None:
    """Where requests go, and whether the token's prefix agrees with the config."""
    choice = pylon_region(config)
    url = pylon_base_url(config, choice)
    if choice.note and config.pylon.base_url:  # requests go where the token is refused
        report.bad(choice.note, "remove pylon.base_url, or point it at the token's region")
        return
    if choice.note:  # works (the token's region is used), but the config says otherwise
        report.warn(choice.note, f"set pylon.region = '{choice.region}' in config.toml")
        return
    report.ok(f"region {choice.region}: {url}")
    if choice.from_token:
        report.ok(f"the token's prefix agrees ({token_kind(choice.from_token)})")
    else:
        prefixes = " / ".join(prefix for _region, prefix in TOKEN_PREFIXES)
        report.info(
            f"the token has no region prefix ({prefixes}): using pylon.region; if it is wrong, "
            "Pylon answers wrong_region_token and pylon-tui names the region to use"
        )


async def _identity(services: Services, report: Report) -> None:
    """Who replies and notes are posted as: the agent (me_email's user) or the token."""
    pylon = services.pylon
    if not isinstance(pylon, PylonClient):
        return
    try:
        agent = await pylon.agent()
    except ApiError as error:
        report.bad(f"find the me_email user for replies: {error}", error.hint or "see above")
        return
    if agent is None:
        report.info(REPLIES_UNATTRIBUTED)
        if not pylon.agent_email:
            report.info("set me_email to your Pylon login to reply and note as yourself")
        return
    name = one_line(agent.name) or agent.email
    report.ok(f"replies and notes are posted as {name}: that is who customers see")


async def _priority(services: Services, report: Report) -> None:
    """The custom field that holds priority, and how keys 1-4 map onto its options."""
    pylon = services.pylon
    if not isinstance(pylon, PylonClient):
        return
    try:
        options = await pylon.priority_options(refresh=True)
    except ApiError as error:
        report.bad(f"read the priority field (GET /custom-fields): {error}", error.hint or "")
        return
    if pylon.priority_refused:
        report.warn(
            "this token may not read custom fields (403): keys 1-4 set the field 'priority' to "
            "urgent/high/medium/low, and a change Pylon ignores is refused and rolled back",
            "give the token a role that can read custom fields",
        )
        return
    for line, fix in _priority_lines(options):
        if fix is None:
            report.info(line)
        elif fix:
            report.bad(line, fix)
        else:
            report.ok(line)


def _priority_lines(options: PriorityOptions) -> list[tuple[str, str | None]]:
    """(line, fix) pairs: a fix to show, "" for a good line, None for plain information."""
    slug = one_line(options.field_slug)
    if not options.found_by:
        return [
            (
                "no priority custom field in this workspace: setting a priority (1-4) will be "
                "refused, since Pylon ignores a field it does not have",
                "add a select field 'Priority' (slug priority) with options urgent, high, "
                "medium, low in Pylon's settings",
            )
        ]
    label = one_line(options.field_label) or slug
    if not options.options:
        return [
            (
                f"priority field {slug!r} ({label}) has no select options",
                "make the Priority field a select with one option per priority",
            )
        ]
    keys = ", ".join(f"{p.value}->{one_line(option)}" for p, option in options.slugs)
    lines: list[tuple[str, str | None]] = [
        (f"priority field {slug!r} ({label}, matched by {options.found_by}): {keys}", "")
    ]
    offered = ", ".join(f"{one_line(o.slug)} ({one_line(o.label)})" for o in options.options)
    lines.append((f"its options: {offered}", None))
    if options.unmatched:
        missing = ", ".join(p.value for p in options.unmatched)
        lines.append(
            (
                f"no option of {slug!r} matches {missing}: setting it will be refused",
                "give each priority an option whose label contains its name (e.g. 'P3 - Low')",
            )
        )
    return lines


async def _linear_teams(services: Services) -> str:
    assert services.linear is not None
    teams = await services.linear.teams()
    return ", ".join(t.key for t in teams) or "no teams"
