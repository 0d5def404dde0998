"""Pure parts of the triage tools (issue 14 items 5-10): snooze times, macro plans, custom
action templates, alerts and their escape sequences, and the config that sets them."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.config import Config, ConfigError
from pylon_tui.config.parse import build_config
from pylon_tui.domain import Priority, Ticket
from pylon_tui.domain.alerts import AlertEvent, AlertWatch, DesktopChannel, NotifySettings
from pylon_tui.domain.custom_actions import TemplateError, fill_argv, template_fields
from pylon_tui.domain.macros import Macro, MacroAction, normalise_tags, plan_macros
from pylon_tui.domain.snooze import PRESETS, SnoozeTimeError, describe_until, parse_snooze

CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=CET)  # a Wednesday
T0 = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


# ----- snooze times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("2h", NOW + timedelta(hours=2)),
        ("1h30m", NOW + timedelta(minutes=90)),
        ("in 3d", NOW + timedelta(days=3)),
        ("14:30", datetime(2026, 11, 25, 14, 30, tzinfo=CET)),
        ("11:00", datetime(2026, 11, 26, 11, 0, tzinfo=CET)),  # past today: tomorrow
        ("tomorrow", datetime(2026, 11, 26, 9, 0, tzinfo=CET)),
        ("tomorrow 14:00", datetime(2026, 11, 26, 14, 0, tzinfo=CET)),
        ("mon", datetime(2026, 11, 30, 9, 0, tzinfo=CET)),
        ("Friday 10:00", datetime(2026, 11, 27, 10, 0, tzinfo=CET)),
        ("wed", datetime(2026, 12, 2, 9, 0, tzinfo=CET)),  # today is Wednesday: next week's
        ("2026-12-01 09:00", datetime(2026, 12, 1, 9, 0, tzinfo=CET)),
        ("2026-12-01", datetime(2026, 12, 1, 9, 0, tzinfo=CET)),
    ],
)
def test_typed_snooze_times(typed: str, until: datetime) -> None:
    assert parse_snooze(typed, NOW) == until


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "type when"),
        ("soon", "not a time"),
        ("25:00", "not a time"),
        ("2020-01-01 09:00", "already passed"),
        ("400d", "at most a year"),
    ],
)
def test_bad_snooze_times_say_why(typed: str, words: str) -> None:
    with pytest.raises(SnoozeTimeError, match=words):
        parse_snooze(typed, NOW)


def test_presets() -> None:
    assert [p.until(NOW) for p in PRESETS] == [
        NOW + timedelta(hours=1),
        datetime(2026, 11, 26, 9, 0, tzinfo=CET),
        datetime(2026, 11, 30, 9, 0, tzinfo=CET),
    ]
    assert describe_until(PRESETS[1].until(NOW), NOW) == "tomorrow 09:00"


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=1, max_value=300 * 24 * 60))
def test_relative_snooze_round_trips_through_its_printed_form(minutes: int) -> None:
    """A relative time prints (as days/hours/minutes) back to the same end."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    typed = "".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (mins, "m")) if n)
    assert parse_snooze(typed, NOW) == NOW + timedelta(minutes=minutes)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_typed_text_is_a_time_or_a_clear_refusal(text: str) -> None:
    try:
        until = parse_snooze(text, NOW)
    except SnoozeTimeError:
        return  # a refusal, with its message (checked above)
    assert NOW < until <= NOW + timedelta(days=366)


# ----- macros ---------------------------------------------------------------------------------


TICKET = Ticket("t1", 1, "Login fails", "waiting_on_you", T0, T0, tags=("sso",))
USERS = {"u1": "Sam", "u2": "Priya"}


def user_id(value: str) -> str | None:
    return value if value in USERS else {"priya@example.com": "u2"}.get(value)


def test_a_plan_applies_known_values_and_names_the_rest() -> None:
    macro = Macro(
        "m1",
        "Escalate",
        "<p>x</p>",
        "note",
        (
            MacroAction("set_issue_state", "waiting_on_customer"),
            MacroAction("add_issue_tags", values=("bug",)),
            MacroAction("remove_issue_tags", values=("sso",)),
            MacroAction("set_issue_priority", "urgent"),
            MacroAction("set_issue_assignee", "priya@example.com"),
            MacroAction("set_issue_team"),
            MacroAction("send_csat_survey"),
        ),
    )
    plan = plan_macros([macro], TICKET, user_id)
    assert plan.state == "waiting_on_customer"
    assert plan.tags == ("bug",)
    assert plan.priority is Priority.URGENT
    assert plan.assignee_id == "u2"
    assert plan.skipped == ("set_issue_team", "send_csat_survey")


def test_type_only_actions_take_their_values_from_the_config() -> None:
    """Pylon's MacroAction has only `type`: without config nothing is guessed."""
    macro = Macro("m1", "Investigating", "", "reply", (MacroAction("set_issue_state"),))
    bare = plan_macros([macro], TICKET, user_id)
    assert bare.state is None
    assert bare.skipped == ("set_issue_state (Pylon did not say which state)",)
    configured = {"Investigating": (MacroAction("set_issue_state", "waiting_on_customer"),)}
    planned = plan_macros([macro], TICKET, user_id, configured)
    assert planned.state == "waiting_on_customer"
    assert planned.skipped == ()


def test_a_plan_changes_nothing_the_ticket_already_has() -> None:
    macro = Macro("m", "x", "", "reply", (MacroAction("set_issue_tags", values=("sso",)),))
    assert not plan_macros([macro], TICKET, user_id).changes_anything


def test_normalise_tags() -> None:
    assert normalise_tags(["  vip ", "VIP", "", "needs  repro"]) == ("vip", "needs repro")


# ----- custom action templates ------------------------------------------------------------------


def test_templates_fill_each_argument_on_its_own() -> None:
    values = {"number": "7", "title": '"; rm -rf ~ #'}
    argv = fill_argv(("grep", "-e", "{title}", "--", "ticket-{number}.log"), values)
    assert argv == ["grep", "-e", '"; rm -rf ~ #', "--", "ticket-7.log"]


@pytest.mark.parametrize("bad", ["{nope}", "{number!r}", "{number:>5}", "{", "}"])
def test_template_mistakes_are_refused(bad: str) -> None:
    with pytest.raises(TemplateError):
        template_fields(bad)


# ----- alerts and OSC -------------------------------------------------------------------------


def test_alerts_baseline_then_new_sla_once() -> None:
    watch = AlertWatch(NotifySettings(DesktopChannel.OSC9, sla_minutes=30))
    first = [TICKET.with_state("new")]
    assert watch.after_refresh(first, {"new"}, T0) == []
    later = [
        *first,
        Ticket("t2", 2, "New one", "new", T0, T0),
        Ticket(
            "t3",
            3,
            "Breaching",
            "waiting_on_you",
            T0,
            T0,
            resolution_breach_time=T0 + timedelta(minutes=10),
        ),
    ]
    alerts = watch.after_refresh(later, {"new"}, T0)
    assert [(a.event, a.number) for a in alerts] == [
        (AlertEvent.NEW_TICKET, 2),
        (AlertEvent.SLA, 3),
    ]
    assert watch.after_refresh(later, {"new"}, T0) == []


def test_osc_sequences_keep_ticket_text_inside_them() -> None:
    from pylon_tui.domain.alerts import Alert
    from pylon_tui.tui.notify import osc_sequences

    alert = Alert(AlertEvent.NEW_TICKET, "New #5", "a\x07b\x1b]9;evil;c\nd")
    nine, seven = osc_sequences(alert, DesktopChannel.BOTH)
    assert nine.startswith("\x1b]9;")
    assert nine.endswith("\x07")
    assert nine.count("\x07") == 1
    assert nine.count("\x1b") == 1
    assert seven.startswith("\x1b]777;notify;New #5;")
    assert seven.count(";") == 3
    assert seven.count("\x1b") == 1


# ----- config ---------------------------------------------------------------------------------


def config(text: str) -> Config:
    return build_config(tomllib.loads(text), source=None, env={}, run_commands=False)


def test_config_reads_actions_notify_macros_and_agent() -> None:
    cfg = config(
        """
        [pylon]
        ai_agent_id = "agent-1"
        [actions.crm]
        key = "O"
        command = ["open", "https://crm/{account}"]
        writes = false
        [actions.logs]
        key = "X"
        command = "grep -e {title} -- logs"
        confirm = true
        show_output = true
        [notify]
        desktop = "both"
        command = ["notify-send", "{title}", "{body}"]
        events = ["new_ticket"]
        [macros."Investigating"]
        state = "waiting_on_customer"
        add_tags = ["investigating"]
        priority = ""
        """
    )
    assert cfg.pylon.ai_agent_id == "agent-1"
    assert [(a.name, a.key, a.writes, a.confirm) for a in cfg.actions] == [
        ("crm", "O", False, False),
        ("logs", "X", True, True),
    ]
    assert cfg.actions[1].argv == ("grep", "-e", "{title}", "--", "logs")
    assert cfg.notify.desktop is DesktopChannel.BOTH
    assert cfg.notify.events == frozenset({AlertEvent.NEW_TICKET})
    assert cfg.macros["Investigating"] == (
        MacroAction("set_issue_state", "waiting_on_customer"),
        MacroAction("set_issue_priority", ""),
        MacroAction("add_issue_tags", values=("investigating",)),
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[actions.a]\nkey = "r"\ncommand = ["x"]', "already reply's key on the board"),
        ('[actions.a]\nkey = "O"\ncommand = ["x", "{nope}"]', "uses {nope}"),
        ('[actions.a]\nkey = "O"\ncommand = ["{link}"]', "program name"),
        ('[actions.a]\nkey = "O"', "actions.a.command is required"),
        (
            '[actions.a]\nkey = "O"\ncommand = ["a"]\n[actions.b]\nkey = "O"\ncommand = ["b"]',
            "actions.a",
        ),
        ('[actions.a]\nkey = "O"\ncommand = ["a"]\nbogus = 1', "unknown key actions.a.bogus"),
        ('[notify]\ndesktop = "loud"', "notify.desktop must be one of"),
        ('[notify]\nevents = ["fire"]', "the events are"),
        ('[notify]\ncommand = ["x", "{title}", "{account}"]', "the placeholders are {event}"),
        ('[macros.x]\npriority = "p1"', "macros.x.priority"),
        ('[macros.x]\ntags = "a"', "array of tags"),
    ],
)
def test_config_mistakes_are_one_line_errors(text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words.replace("{", r"\{").replace("}", r"\}")) as caught:
        config(text)
    assert "\n" not in str(caught.value)


def test_a_remapped_board_key_frees_it_for_an_action() -> None:
    cfg = config(
        '[keys]\nreply = "R,ctrl+r"\nrefresh = "F5"\n[actions.a]\nkey = "r"\ncommand = ["x"]'
    )
    assert cfg.actions[0].key == "r"
