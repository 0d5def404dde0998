"""An in-memory PylonApi for TUI tests that need to inject failures or count calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import (
    Account,
    ExternalLink,
    Message,
    Priority,
    StateInfo,
    Team,
    Ticket,
    User,
)
from pylon_tui.domain.macros import Macro, MacroAction, OrgTag

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.pilot import Pilot
    from textual.strip import Strip

    from pylon_tui.bootstrap import Services
    from pylon_tui.sandbox import Sandbox
    from pylon_tui.tui.app import PylonApp

_F = TypeVar("_F", bound=Callable[..., Any])

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


MACROS: tuple[Macro, ...] = (
    Macro(
        "mac-1",
        "Investigating",
        "<p>We're <b>investigating</b> now.</p>",
        "reply",
        (
            MacroAction("set_issue_state", "waiting_on_customer"),
            MacroAction("add_issue_tags", values=("investigating",)),
            MacroAction("send_csat_survey"),
        ),
    ),
    Macro("mac-2", "Escalate", "<p>Escalating \x1b[31m[red]now[/]</p>", "note", ()),
)


def make_tickets() -> list[Ticket]:
    def t(n: int, state: str, title: str, **kw: object) -> Ticket:
        base = Ticket(
            id=f"t{n}",
            number=n,
            title=title,
            state=state,
            created_at=NOW - timedelta(hours=n),
            updated_at=NOW - timedelta(minutes=n),
            account_id="acc1",
            link=f"https://app.usepylon.com/issues?issueNumber={n}",
        )
        return replace(base, **kw)  # type: ignore[arg-type]

    return [
        t(1, "new", "Cannot log in with SSO", priority=Priority.URGENT),
        t(2, "new", "Export fails with [bold red]x[/] in CSV"),
        t(3, "waiting_on_you", "Webhook retries duplicate events", assignee_id="u1"),
        t(4, "waiting_on_you", "Dashboard slow \x1b]52;c;ZXZpbA==\x07 for EU users"),
        t(
            5,
            "on_hold",
            "API 500 on bulk import",
            links=(ExternalLink("linear", "lin-1", "https://linear.app/acme/issue/ENG-12/x"),),
        ),
        t(6, "closed", "Password reset email delayed"),
        t(7, "waiting_on_customer", "Need invoice copy"),
    ]


class FakePylon:
    def __init__(self, tickets: list[Ticket] | None = None) -> None:
        self.tickets = {t.id: t for t in (tickets or make_tickets())}
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.fail_next: ApiError | None = None
        self.replies: list[tuple[str, str, str]] = []
        self.notes: list[tuple[str, str]] = []
        self.macro_list: list[Macro] = list(MACROS)
        self.ai_answer = ("<p>Hi Dana,</p><p>Try <b>clearing</b> the SSO cache.</p>", True)

    def _check(self, name: str, *args: object) -> None:
        self.calls.append((name, args))
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error

    async def search_issues(self, filter: dict[str, object], *, limit: int = 999) -> list[Ticket]:
        self._check("search_issues", filter)
        return list(self.tickets.values())

    async def get_issue(self, issue_id: str) -> Ticket:
        self._check("get_issue", issue_id)
        return self.tickets[issue_id]

    def _update(self, issue_id: str, **changes: object) -> Ticket:
        ticket = replace(self.tickets[issue_id], updated_at=NOW, **changes)  # type: ignore[arg-type]
        self.tickets[issue_id] = ticket
        return ticket

    async def update_state(self, issue_id: str, state: str) -> Ticket:
        self._check("update_state", issue_id, state)
        return self._update(issue_id, state=state)

    async def set_priority(self, issue_id: str, priority: object) -> Ticket:
        self._check("set_priority", issue_id, priority)
        return self._update(issue_id, priority=priority)

    async def assign(self, issue_id: str, user_id: str | None) -> Ticket:
        self._check("assign", issue_id, user_id)
        return self._update(issue_id, assignee_id=user_id)

    async def link_external_issue(self, issue_id: str, source: str, external_id: str) -> object:
        self._check("link_external_issue", issue_id, source, external_id)
        ticket = self.tickets[issue_id]
        link = ExternalLink(source, external_id, f"https://linear.app/acme/issue/{external_id}/x")
        return self._update(issue_id, links=(*ticket.links, link))

    async def unlink_external_issue(self, issue_id: str, source: str, external_id: str) -> object:
        self._check("unlink_external_issue", issue_id, source, external_id)
        ticket = self.tickets[issue_id]
        links = tuple(x for x in ticket.links if x.external_id != external_id)
        return self._update(issue_id, links=links)

    async def messages(self, issue_id: str) -> list[Message]:
        self._check("messages", issue_id)
        return [
            Message(
                "m1",
                "<p>Hello, <b>help</b> please</p>",
                NOW,
                "Dana Customer",
                is_customer=True,
                source="slack",
            ),
            Message("m2", "<p>internal</p>", NOW, "Sam Support", is_private=True),
        ]

    async def reply(self, issue_id: str, body_html: str, message_id: str) -> object:
        self._check("reply", issue_id, body_html, message_id)
        self.replies.append((issue_id, body_html, message_id))
        return None

    async def note(self, issue_id: str, body_html: str) -> object:
        self._check("note", issue_id, body_html)
        self.notes.append((issue_id, body_html))
        return None

    async def set_tags(self, issue_id: str, tags: Sequence[str]) -> Ticket:
        self._check("set_tags", issue_id, tuple(tags))
        return self._update(issue_id, tags=tuple(tags))

    async def snooze(self, issue_id: str, until: datetime) -> Ticket:
        self._check("snooze", issue_id, until)
        return self._update(issue_id, snoozed_until=until, state="on_hold")

    async def macros(self) -> list[Macro]:
        self._check("macros")
        return list(self.macro_list)

    async def tags(self) -> list[OrgTag]:
        self._check("tags")
        return [OrgTag("billing"), OrgTag("bug-report"), OrgTag("vip")]

    async def ai_draft(self, issue_id: str, agent_id: str) -> tuple[str, bool]:
        self._check("ai_draft", issue_id, agent_id)
        return self.ai_answer

    async def users(self) -> list[User]:
        return [
            User("u1", "Sam Support", "sam@example.com"),
            User("u2", "Alex Agent", "alex@example.com"),
        ]

    async def user(self, user_id: str) -> User:
        """GET /users/{id}: the listed users, and a teammate who left (`gone`)."""
        known = {u.id: u for u in await self.users()}
        known["gone"] = User("gone", "Former Teammate", "former@example.com", is_deactivated=True)
        if user_id not in known:
            raise ApiError(f"user {user_id} not found", status=404)
        return known[user_id]

    async def teams(self) -> list[Team]:
        return [Team("team1", "Support")]

    async def accounts(self) -> list[Account]:
        return [Account("acc1", "Acme Corp")]

    async def issue_statuses(self) -> list[StateInfo]:
        return []


# ----- app harness shared by the Pilot tests and the snapshots ------------------------


def build_app(
    fake: FakePylon | None = None,
    *,
    keymap: dict[str, str] | None = None,
    me_email: str | None = "sam@example.com",
    theme: str | None = None,
    sixteen_colours: bool = False,
) -> PylonApp:
    """The board app over `fake`, with a frozen clock and no refresh timer; the truecolor
    themes unless `sixteen_colours` (not whatever the test runner's TERM says)."""
    from pylon_tui.bootstrap import make_app, services_for

    services = services_for(
        fake if fake is not None else FakePylon(), me_email=me_email, now=lambda: NOW
    )
    return make_app(
        services,
        now=lambda: NOW,
        refresh_seconds=0,
        templates={"acknowledge": "On it!"},
        keymap=keymap,
        theme=theme,
        sixteen_colours=sixteen_colours,
    )


async def sandbox_services(path: Path) -> tuple[Sandbox, Services]:
    """A seeded sandbox at `path` and loaded services over it (Pylon and Linear both), as
    sandbox mode builds them: the flows that need real data (holds, links, send holds)."""
    from pylon_tui.api.linear import LinearClient
    from pylon_tui.api.pylon import PylonClient
    from pylon_tui.bootstrap import services_for
    from pylon_tui.sandbox import Sandbox, SandboxTransport

    sandbox = Sandbox(path)
    sandbox.ensure_seeded()
    transport = SandboxTransport(sandbox)
    services = services_for(
        PylonClient("https://api.usepylon.com", None, transport=transport),
        linear=LinearClient(None, transport=transport),
        me_email="maya@sandboxco.dev",
    )
    await services.service.load()
    return sandbox, services


async def wait_for_background(app: App[None]) -> None:
    """Wait for every worker (loads, writes) except the flows: a flow may be waiting on a
    dialog for a key the test has not pressed yet."""
    from pylon_tui.tui.flows import FLOW_GROUP

    working = [w for w in app.workers if w.group != FLOW_GROUP]
    if working:  # wait_for_complete([]) would wait for every worker, flows included
        await app.workers.wait_for_complete(working)


async def settle(pilot: Pilot[None]) -> None:
    """Let messages, then every worker (loads, writes), then the repaint run to the end."""
    await pilot.pause()
    await wait_for_background(pilot.app)
    await pilot.pause()


def screen_strips(app: App[None]) -> list[Strip]:
    """What the compositor would send to the terminal for the current screen."""
    return app.screen._compositor.render_strips()


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in screen_strips(app))


def column_ids(app: PylonApp) -> list[list[str]]:
    return [[t.id for t in view] for view in app.board_screen.views]


def calls_to(fake: FakePylon, name: str) -> list[tuple[object, ...]]:
    return [args for call, args in fake.calls if call == name]


def notifications(app: App[None]) -> list[tuple[str, str]]:
    """(title, message) of every toast the app has raised and not yet expired."""
    return [(n.title, n.message) for n in app._notifications]


EXERCISED: dict[str, list[str]] = {}
"""binding id -> the tests that press its keys (checked by test_binding_coverage)."""


def exercises(*binding_ids: str) -> Callable[[_F], _F]:
    def mark(test: _F) -> _F:
        for binding_id in binding_ids:
            EXERCISED.setdefault(binding_id, []).append(test.__qualname__)
        return test

    return mark


def on_board(app: PylonApp) -> bool:
    """The board is the top screen (a function, so mypy keeps no stale narrowing)."""
    return app.screen is app.board_screen


def _unmarked(html: str) -> str:
    """The body without the outbox's invisible replay marker (`<!-- pylon-tui:... -->`)."""
    head, sep, tail = html.rpartition("<!-- pylon-tui:")
    return head if sep and tail.endswith("-->") else html


def sent_replies(fake: FakePylon) -> list[tuple[str, str, str]]:
    """(ticket id, body html, answered message id) of every reply Pylon received."""
    return [(issue, _unmarked(html), message) for issue, html, message in fake.replies]


def sent_notes(fake: FakePylon) -> list[tuple[str, str]]:
    return [(issue, _unmarked(html)) for issue, html in fake.notes]
