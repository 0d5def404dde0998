"""Pilot tests for the triage tools (issue 14 items 5-10): tags, snooze, macros, AI drafts,
custom actions and notifications, each driven by its keys on the board and in the editor."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta
from typing import Any

from textual.widgets import Input, Label, Static, TextArea

from pylon_tui.config import Config
from pylon_tui.domain.alerts import AlertEvent, DesktopChannel, NotifySettings
from pylon_tui.domain.custom_actions import CustomAction
from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.command import ConfirmCommandModal, OutputModal
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.modals.snooze import SnoozeModal
from pylon_tui.tui.modals.tags import TagsModal

from .fakes import (
    NOW,
    FakePylon,
    calls_to,
    column_ids,
    exercises,
    notifications,
    on_board,
    screen_text,
    sent_replies,
    settle,
)


def app_with(fake: FakePylon, **config: Any) -> PylonApp:
    """The board app over `fake` with a config (custom actions, notify) and a frozen clock."""
    from pylon_tui.bootstrap import make_app, services_for

    services = services_for(fake, me_email="sam@example.com", now=lambda: NOW)
    return make_app(
        services,
        config=Config(**config),
        now=lambda: NOW,
        refresh_seconds=0,
        templates={"acknowledge": "On it!"},
        watch_links=False,
    )


def toasts(app: PylonApp) -> str:
    return "\n".join(message for _, message in notifications(app))


# ----- tags (item 6) -------------------------------------------------------------------------


@exercises("tags")
async def test_t_edits_tags_with_the_orgs_list_and_free_text(app: PylonApp, fake: FakePylon):
    fake.tickets["t1"] = replace(fake.tickets["t1"], tags=("sso",))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagsModal)
        assert calls_to(fake, "tags") == [()]
        await pilot.press(*"vip", "enter")  # an org tag: ticked
        await pilot.press(*"needs repro", "enter")  # free text: added and ticked
        await pilot.press(*"sso", "enter")  # the current tag: unticked
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "set_tags") == [("t1", ("vip", "needs repro"))]
        assert app.ctx.service.board.get("t1").tags == ("vip", "needs repro")  # type: ignore[union-attr]
        assert "#1 tagged vip and needs repro" in toasts(app)


async def test_tag_editor_escape_changes_nothing(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"vip", "enter", "escape")
        await settle(pilot)
        assert calls_to(fake, "set_tags") == []


async def test_undo_takes_a_tag_edit_back(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"billing", "enter", "ctrl+s")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert calls_to(fake, "set_tags") == [("t1", ("billing",)), ("t1", ())]


# ----- snooze (item 7) -----------------------------------------------------------------------


@exercises("snooze", "other_states")
async def test_z_snoozes_off_the_board_and_o_lists_it(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "t1" in column_ids(app)[0]
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeModal)
        await pilot.press("enter")  # the first preset: 1 hour
        await settle(pilot)
        [(ticket_id, until)] = calls_to(fake, "snooze")
        assert ticket_id == "t1"
        assert until == NOW + timedelta(hours=1)
        assert "t1" not in column_ids(app)[0]
        assert "#1 snoozed until" in toasts(app)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal)
        listed = app.screen.choices
        assert any(c.key == "t1" and c.hint.startswith("snoozed until") for c in listed)


async def test_a_typed_snooze_time_is_checked_before_anything_is_sent(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        app.screen.query_one(Input).focus()
        await pilot.press(*"soon", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeModal)
        problem = str(app.screen.query_one("#snooze-problem", Label).render())
        assert "not a time" in problem
        assert calls_to(fake, "snooze") == []
        app.screen.query_one(Input).value = ""
        await pilot.press(*"3h", "enter")
        await settle(pilot)
        assert calls_to(fake, "snooze") == [("t1", NOW + timedelta(hours=3))]


# ----- macros (item 5) -----------------------------------------------------------------------


async def test_a_macro_inserts_plain_text_and_its_actions_run_after_send(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal)
        assert app.screen.choices[0].label == "Investigating"  # reply macros first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        text = app.screen.query_one(TextArea).text
        assert text == "On it!\n\nWe're investigating now."
        assert calls_to(fake, "update_state") == []  # nothing runs before the send
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html(text), "m1")]
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_customer")]
        assert calls_to(fake, "set_tags") == [("t1", ("investigating",))]
        said = toasts(app)
        assert "Not applied here" in said
        assert "send_csat_survey" in said


async def test_a_macro_text_with_markup_and_escapes_is_literal(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen.choices[0].label == "Escalate"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        text = app.screen.query_one(TextArea).text
        assert "\x1b" not in text
        assert "[red]now[/]" in text  # shown as typed, never as markup
        await pilot.press("ctrl+z")
        assert app.screen.query_one(TextArea).text == ""


async def test_a_macro_that_would_put_the_ticket_on_hold_without_a_link_is_refused(
    app: PylonApp, fake: FakePylon
):
    from pylon_tui.domain.macros import Macro, MacroAction

    fake.macro_list = [
        Macro("m", "Hold it", "<p>Held.</p>", "reply", (MacroAction("set_issue_state", "on_hold"),))
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert calls_to(fake, "update_state") == []
        assert "On Hold needs a linked issue" in toasts(app)


# ----- AI drafts (item 8) --------------------------------------------------------------------


async def test_ctrl_g_puts_the_ai_draft_in_the_editor_and_sends_nothing(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        area = app.screen.query_one(TextArea)
        area.text = ""
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert calls_to(fake, "ai_draft") == [("t1", "sandbox-support-agent")]
        assert area.text == "Hi Dana,\n\nTry clearing the SSO cache."
        assert fake.replies == []
        assert isinstance(app.screen, ComposeModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html(area.text), "m1")]


async def test_an_ai_agent_that_cannot_answer_leaves_the_editor_alone(
    app: PylonApp, fake: FakePylon
):
    fake.ai_answer = ("<p>no</p>", False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen.query_one(TextArea).text == "On it!"
        assert "could not answer" in toasts(app)


# ----- custom actions (item 9) ---------------------------------------------------------------


def _echo(**options: Any) -> CustomAction:
    argv = (sys.executable, "-c", "import sys; print(sys.argv[1:])", "{number}", "{title}")
    return CustomAction("echo", "O", argv, description="Echo ticket", **options)


async def test_a_custom_action_runs_its_argv_without_a_shell_and_shows_output():
    fake = FakePylon()
    fake.tickets["t1"] = replace(fake.tickets["t1"], title='x"; touch /tmp/pwned; echo "')
    app = app_with(fake, actions=(_echo(show_output=True),))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("O")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, OutputModal):
                break
        assert isinstance(app.screen, OutputModal)
        shown = str(app.screen.query_one("#command-output Static", Static).render())
        assert "['1', 'x\"; touch /tmp/pwned; echo \"']" in shown  # one argument, as typed
        await pilot.press("escape")
        assert on_board(app)


async def test_a_confirmed_custom_action_asks_first_and_escape_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    argv = (sys.executable, "-c", f"open({str(marker)!r}, 'w').write('x')")
    action = CustomAction("mark", "O", argv, confirm=True)
    app = app_with(FakePylon(), actions=(action,))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCommandModal)
        await pilot.press("escape")
        await settle(pilot)
        assert not marker.exists()
        await pilot.press("O")
        await settle(pilot)
        await pilot.press("y")
        for _ in range(50):
            await pilot.pause(0.05)
            if marker.exists():
                break
        assert marker.exists()


async def test_custom_actions_are_in_help_and_the_palette():
    app = app_with(FakePylon(), actions=(_echo(),))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        from textual.containers import VerticalScroll

        app.screen.query_one(VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        assert "Echo ticket" in screen_text(app)
        await pilot.press("escape")
        commands = app.board_screen.custom_commands()
        assert [(name, help_text, writes) for name, _, help_text, writes in commands] == [
            ("Run: Echo ticket", "key O", True)
        ]


async def test_read_only_refuses_a_writing_custom_action_and_keeps_a_look_only_one(tmp_path):
    """`[actions.NAME] writes = false` is a look-only command: on under --read-only, by key
    and in the palette. Anything else may change the ticket: refused with the toast."""
    marks = {name: tmp_path / name for name in ("writer", "looker")}
    actions = tuple(
        CustomAction(
            name,
            key,
            (sys.executable, "-c", f"open({str(marks[name])!r}, 'w').write('x')"),
            writes=name == "writer",
        )
        for name, key in (("writer", "O"), ("looker", "X"))
    )
    from pylon_tui.bootstrap import make_app, services_for

    services = services_for(FakePylon(), me_email="sam@example.com", now=lambda: NOW)
    app = make_app(
        services,
        config=Config(actions=actions),
        now=lambda: NOW,
        refresh_seconds=0,
        watch_links=False,
        read_only=True,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert any("read-only" in message for _, message in notifications(app))
        await pilot.press("X")
        for _ in range(50):
            await pilot.pause(0.05)
            if marks["looker"].exists():
                break
        assert marks["looker"].exists(), "a look-only command runs under --read-only"
        assert not marks["writer"].exists(), "a writing command never ran"
        screen = app.board_screen
        assert screen.check_action("custom", ("writer",)) is None
        assert screen.check_action("custom", ("looker",)) is True
        palette = {name: writes for name, _, _, writes in screen.custom_commands()}
        assert palette == {"Run: writer": True, "Run: looker": False}
        await pilot.press("question_mark")
        await settle(pilot)
        from textual.containers import VerticalScroll

        app.screen.query_one(VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "writer (off: read-only)" in text
        assert "looker (off" not in text


# ----- notifications (item 10) ---------------------------------------------------------------


async def test_new_tickets_and_sla_alerts_after_the_baseline():
    fake = FakePylon()
    notify = NotifySettings(DesktopChannel.OSC9, sla_minutes=30)
    app = app_with(fake, notify=notify)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        assert app.notifier.sent == []  # the first look is the baseline
        fake.tickets["t8"] = replace(fake.tickets["t1"], id="t8", number=8, title="Brand new")
        fake.tickets["t3"] = replace(
            fake.tickets["t3"], resolution_breach_time=NOW + timedelta(minutes=20)
        )
        await pilot.press("R")
        await settle(pilot)
        events = [(a.event, a.number) for a in app.notifier.sent]
        assert (AlertEvent.NEW_TICKET, 8) in events
        assert (AlertEvent.SLA, 3) in events
        await pilot.press("R")
        await settle(pilot)
        assert len(app.notifier.sent) == len(events)  # each said once


async def test_notifications_off_by_default(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fake.tickets["t8"] = replace(fake.tickets["t1"], id="t8", number=8)
        await pilot.press("R")
        await settle(pilot)
        assert app.notifier.sent == []
