"""The headless commands. Each one loads the board through the same BoardService the TUI
uses, so `move` obeys the same On Hold gate as the H/L keys."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pylon_tui.api.errors import ApiError
from pylon_tui.bootstrap import Services, make_app, make_services, open_services
from pylon_tui.cli.listing import Selection, arrange, matcher, refuses_me, select, sla_json
from pylon_tui.cli.output import err, say, say_json, shell_word
from pylon_tui.cli.pending import PendingChange, PendingQueue, pending_suffix, read_queue
from pylon_tui.config import Config, load_config, paths
from pylon_tui.domain import Board, MoveVerdict, Ticket, check_move_to_column
from pylon_tui.domain.htmltext import html_to_text
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import age, format_time
from pylon_tui.sync.intents import Move
from pylon_tui.sync.service import ActionQueued, Outcome

T = TypeVar("T")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def load(path: Path | None) -> Config:
    """An explicit --config must exist: a typo must not silently fall back to the sandbox."""
    if path is not None and not path.exists():
        from pylon_tui.config import ConfigError

        raise ConfigError(
            f"{path} does not exist: fix the path, or create it with "
            f"`pylon-tui --config {shell_word(str(path))} setup`"
        )
    return load_config(path)


def _run(config: Config, body: Callable[[Services], Awaitable[T]]) -> T:
    async def go() -> T:
        services = make_services(config)
        try:
            return await body(services)
        finally:
            await services.aclose()

    return asyncio.run(go())


PLAIN_COMMANDS = "`pylon-tui list`, `pylon-tui show NUMBER` and `pylon-tui move NUMBER COLUMN`"


def terminal_problem() -> str | None:
    """Why the full-screen board cannot be drawn here, with what works instead; None if it can.

    Checked before anything opens: a dumb terminal or a pipe otherwise gets escape sequences
    it cannot show (a screen of garbage, or a log file full of them)."""
    if os.environ.get("TERM", "").strip() == "dumb":
        return (
            "this terminal says it cannot draw a full-screen board (TERM=dumb). Plain "
            f"commands work here: {PLAIN_COMMANDS}. For the board, use a terminal that sets "
            "TERM (e.g. TERM=xterm-256color)"
        )
    for name, stream in (("output", sys.stdout), ("input", sys.stdin)):
        try:
            tty = stream is not None and stream.isatty()
        except (OSError, ValueError):  # closed
            tty = False
        if not tty:
            return (
                f"the board needs a terminal, and standard {name} is not one (a pipe, a file "
                f"or no terminal). For plain output use {PLAIN_COMMANDS} (`list --json` for "
                "scripts); over ssh, add -t"
            )
    return None


def board(config: Config, *, read_only: bool = False, collect_after_start: bool = False) -> int:
    problem = terminal_problem()
    if problem is not None:
        err(f"pylon-tui: {problem}")
        return EXIT_FAIL
    services = open_services(config, head_first=True)
    app = make_app(
        services,
        config=config,
        crash_log=paths.log_path(create=False),
        on_exit=services.aclose,
        read_only=read_only,
    )
    app.collect_after_start = collect_after_start
    app.run()
    services.close_store()
    return app.return_code or EXIT_OK


def ticket_json(
    ticket: Ticket, services: Services, pending: list[PendingChange] | None = None
) -> dict[str, object]:
    """`state` is Pylon's; `pending` lists what this machine queued and has not sent yet."""
    directory, now = services.service.directory, datetime.now(UTC)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "state": ticket.state,
        "priority": ticket.priority.value if ticket.priority else None,
        "account": directory.account_name(ticket.account_id) or None,
        "assignee": directory.user_name(ticket.assignee_id) or None,
        "created_at": format_time(ticket.created_at),
        "updated_at": format_time(ticket.updated_at),
        "waiting": age(ticket.waiting_since(), now),
        "tags": list(ticket.tags),
        "links": [
            {
                "source": link.source,
                "external_id": link.external_id,
                "url": link.url,
                "label": link.short_label,
            }
            for link in ticket.links
        ],
        "link": ticket.link,
        "pending": [change.as_json() for change in pending or []],
    }


def ticket_line(
    ticket: Ticket, services: Services, pending: list[PendingChange] | None = None
) -> str:
    directory = services.service.directory
    badge = ticket.priority.value[0].upper() if ticket.priority else "-"
    links = " ".join(link.short_label for link in ticket.links if link.is_tracking)
    waiting = age(ticket.waiting_since(), datetime.now(UTC))
    account = one_line(directory.account_name(ticket.account_id))[:18]
    return (
        f"  #{ticket.number:<6} {badge} {waiting:>4}  {account:<18} "
        f"{one_line(ticket.title)[:60]}"
        + (f"  [{links}]" if links else "")
        + pending_suffix(pending or [])
    )


def find_column(board: Board, name: str) -> int | None:
    """The column by key or title; None after telling the user which names exist."""
    found = board.router.find(name)
    if found is None:
        names = ", ".join(c.key for c in board.columns)
        err(f"pylon-tui: no column '{name}' (columns: {names})")
    return found


def _warn_skipped(services: Services) -> None:
    """Malformed tickets were left out: say so on stderr (stdout stays valid `--json`)."""
    if services.service.skipped_note:
        err(f"pylon-tui: warning: {services.service.skipped_note}")


def _queue(config: Config, services: Services) -> PendingQueue:
    """The board's unsent changes; if they cannot be read, say so (on stderr) and go on."""
    queue = read_queue(config)
    if queue.problem:
        err(f"pylon-tui: warning: queued changes not shown: {queue.problem}")
    return queue


def _pending(queue: PendingQueue, ticket: Ticket, services: Services) -> list[PendingChange]:
    service = services.service
    return queue.for_ticket(ticket.id, service.board.catalog, service.directory)


def list_board(
    config: Config, *, column: str | None, as_json: bool, selection: Selection | None = None
) -> int:
    async def body(services: Services) -> int:
        await services.service.load()
        _warn_skipped(services)
        queue = _queue(config, services)
        board = services.service.board
        indexes = list(range(len(board.columns)))
        if column is not None:
            found = find_column(board, column)
            if found is None:
                return EXIT_USAGE
            indexes = [found]
        chosen = selection or select(
            config, view=None, filter_text=None, sort=None, sandbox=services.sandbox
        )
        problem = refuses_me(chosen, services)
        if problem is not None:
            err(f"pylon-tui: {problem}")
            return EXIT_USAGE
        now = datetime.now(UTC)
        keep = matcher(chosen, services, now, await _link_states(chosen, services))
        columns = {i: arrange(board.column(i), chosen, keep) for i in indexes}
        hidden = arrange(board.hidden(), chosen, keep)

        def as_dict(t: Ticket) -> dict[str, object]:
            data = ticket_json(t, services, _pending(queue, t, services))
            data["sla"] = sla_json(t, chosen.sla, now)
            return data

        if as_json:
            out = {
                "sandbox": services.sandbox,
                **chosen.describe(),
                "columns": [
                    {
                        "key": board.columns[i].key,
                        "title": board.columns[i].title,
                        "count": len(columns[i]),
                        "total": len(board.column(i)),
                        "tickets": [as_dict(t) for t in columns[i]],
                    }
                    for i in indexes
                ],
                "other_states": [as_dict(t) for t in hidden],
            }
            say_json(out)
            return EXIT_OK
        if services.sandbox:
            say("(sandbox: no Pylon token configured — see `pylon-tui setup`)")
        if chosen.active:
            what = chosen.describe()
            say(
                f"(view {what['view'] or '-'} · filter {what['filter'] or '-'} · "
                f"sort {what['sort']})"
            )
        for i in indexes:
            tickets = columns[i]
            total = len(board.column(i))
            counted = f"{len(tickets)}" if len(tickets) == total else f"{len(tickets)}/{total}"
            say(f"{board.columns[i].title} ({counted})")
            for ticket in tickets:
                say(ticket_line(ticket, services, _pending(queue, ticket, services)))
        if column is None and hidden:
            say(
                f"Other states ({len(hidden)}): "
                + ", ".join(
                    f"#{t.number}" + pending_suffix(_pending(queue, t, services))
                    for t in hidden[:20]
                )
            )
        shown = [t.id for i in indexes for t in columns[i]]
        if column is None:
            shown += [t.id for t in hidden[:20]]
        if queue.rows:
            elsewhere = len(queue.others(shown))
            more = f", {elsewhere} of them for tickets not listed here" if elsewhere else ""
            say(
                f"({len(queue.rows)} change(s) queued on this machine, not sent yet{more}: "
                "the board sends them when it runs)"
            )
        return EXIT_OK

    return _run(config, body)


async def _link_states(selection: Selection, services: Services) -> Callable[[str], bool | None]:
    """linked:open/closed needs the issues' states: one batched look-up, only when asked."""
    if not selection.needs_link_states():
        return lambda _eid: None
    watcher = services.watcher()
    try:
        await watcher.refresh_states()
    except ApiError as error:
        err(f"pylon-tui: warning: linked issues' states unknown ({error}); they count as open")
    live = watcher.live
    return lambda eid: None if (issue := live.get(eid)) is None else issue.is_closed


def show(config: Config, number: int, *, as_json: bool) -> int:
    async def body(services: Services) -> int:
        await services.service.load_names()
        ticket = await services.service.ticket(str(number))
        messages = await services.service.messages(ticket.id)
        pending = _pending(_queue(config, services), ticket, services)
        if as_json:
            data = ticket_json(ticket, services, pending)
            data["messages"] = [
                {
                    "id": m.id,
                    "author": m.author_name,
                    "private": m.is_private,
                    "time": format_time(m.timestamp) if m.timestamp else None,
                    "text": html_to_text(m.html),
                }
                for m in messages
            ]
            say_json(data)
            return EXIT_OK
        say(ticket_line(ticket, services).strip())
        say(
            f"  state: {services.service.board.catalog.label_of(ticket.state)}"
            f"{pending_suffix(pending)}   link: {ticket.link or '-'}"
        )
        for change in pending:
            if change.error:
                say(f"  last try of {change.text}: {change.error}")
        for message in messages:
            kind = "note" if message.is_private else "message"
            say(f"\n— {one_line(message.author_name)} ({kind})")
            say(html_to_text(message.html))
        return EXIT_OK

    return _run(config, body)


def move(
    config: Config, number: int, column: str, *, link: str | None, allow_closed: bool = False
) -> int:
    async def body(services: Services) -> int:
        service = services.service
        await service.load_names()
        ticket = await service.ticket(str(number))
        index = find_column(service.board, column)
        if index is None:
            return EXIT_USAGE
        target = service.board.columns[index]
        check = check_move_to_column(
            ticket, target, service.board.catalog, router=service.board.router
        )
        if check.verdict is MoveVerdict.NEEDS_LINK and link:
            from pylon_tui.cli.link import link_ticket

            ticket = await link_ticket(
                services, ticket, link, allow_closed=allow_closed, config=config
            )
            check = check_move_to_column(
                ticket, target, service.board.catalog, router=service.board.router
            )
            if check.verdict is MoveVerdict.NO_CHANGE:  # linking an unfinished issue did it
                say(f"#{number} moved to {target.title} (Pylon moved it when the issue was linked)")
                return EXIT_OK
        if check.verdict is MoveVerdict.NO_CHANGE:
            say(f"#{number} is already in {target.title}")
            return EXIT_OK
        if check.verdict is MoveVerdict.NEEDS_LINK:
            err(
                f"pylon-tui: {check.message}.\n  fix: link one first, e.g. "
                f"`pylon-tui move {number} {shell_word(column)} --link ENG-42`"
            )
            return EXIT_FAIL
        if not check.allowed:
            err(f"pylon-tui: {check.message}")
            return EXIT_FAIL
        try:
            await service.run(Move(ticket.id, check.target_state))
        except ActionQueued as queued:  # no answer to trust: ask Pylon what it has now
            what, hint = f"move #{number} to {target.title}", f"`pylon-tui show {number}`"
            confirmed = await service.confirm(queued, what, hint)
            if confirmed.outcome is not Outcome.APPLIED:
                err(f"pylon-tui: {confirmed.message}")
                return EXIT_FAIL
            say(f"#{number} moved to {target.title} (Pylon's answer was lost; checked: it is)")
            return EXIT_OK
        say(f"#{number} moved to {target.title}")
        return EXIT_OK

    return _run(config, body)


def setup(path: Path | None) -> int:
    import getpass

    from pylon_tui.config.wizard import run_setup

    def ask(question: str, default: str) -> str:
        suffix = f" [{default}]" if default else ""
        return input(f"{question}{suffix}: ")

    target = path or paths.config_path()
    run_setup(target, ask=ask, ask_secret=getpass.getpass, out=print)
    return EXIT_OK


def doctor(config: Config) -> int:
    from pylon_tui.cli.doctor import run_doctor

    return run_doctor(config)


def sandbox(args: object) -> int:
    from pylon_tui.cli.sandbox import run_sandbox

    return run_sandbox(args)
