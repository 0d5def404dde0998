"""The installed ``pylon-tui`` headless commands, on the embedded sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TRACEBACK, CliResult, CliRunner, E2EEnv, board_of

pytestmark = pytest.mark.e2e

EXIT_USAGE = 2
BAD_TOML = "pylon = [\n"


def all_tickets(data: dict[str, Any]) -> list[dict[str, Any]]:
    tickets = [t for column in data["columns"] for t in column["tickets"]]
    return tickets + list(data.get("other_states", []))


def unlinked_open_ticket(result: CliResult) -> dict[str, Any]:
    for column in result.json()["columns"]:
        if column["key"] in ("new", "on_you"):
            for ticket in column["tickets"]:
                if not ticket["links"]:
                    return dict(ticket)
    raise AssertionError("the sandbox has no unlinked ticket in New or On You")


def assert_one_line_error(result: CliResult) -> None:
    assert result.returncode == EXIT_USAGE, result.describe()
    message = result.stderr.strip()
    assert message, result.describe()
    assert "\n" not in message, f"expected a one-line message:\n{result.describe()}"
    assert message.startswith("pylon-tui:"), result.describe()
    assert "config" in message.lower(), result.describe()


def test_list_json_is_the_seeded_sandbox(cli: CliRunner) -> None:
    result = cli("list", "--json")
    assert result.returncode == 0, result.describe()
    data = result.json()
    assert data["sandbox"] is True
    assert [c["key"] for c in data["columns"]] == ["new", "on_you", "on_hold", "closed"]
    assert [c["title"] for c in data["columns"]] == ["New", "On You", "On Hold", "Closed"]
    for column in data["columns"]:
        assert column["count"] == len(column["tickets"]), column["key"]
    tickets = all_tickets(data)
    assert len(tickets) >= 60, f"only {len(tickets)} tickets in the sandbox"
    numbers = [t["number"] for t in tickets]
    assert len(numbers) == len(set(numbers)), "a ticket shows up twice"
    for ticket in tickets:
        assert ticket["title"], ticket
        assert ticket["state"], ticket
    assert all(t["state"] == "new" for t in data["columns"][0]["tickets"])


def test_list_text_and_one_column(cli: CliRunner) -> None:
    text = cli("list")
    assert text.returncode == 0, text.describe()
    assert "sandbox" in text.stdout.lower()
    for title in ("New (", "On You (", "On Hold (", "Closed ("):
        assert title in text.stdout, text.describe()

    one = cli("list", "--column", "on-hold", "--json")
    assert one.returncode == 0, one.describe()
    assert [c["key"] for c in one.json()["columns"]] == ["on_hold"]

    bad = cli("list", "--column", "nope")
    assert bad.returncode != 0, bad.describe()
    assert "nope" in bad.stderr, bad.describe()


def test_show_prints_the_ticket(cli: CliRunner) -> None:
    ticket = cli("list", "--json").json()["columns"][0]["tickets"][0]
    number, title = ticket["number"], ticket["title"]

    shown = cli("show", str(number))
    assert shown.returncode == 0, shown.describe()
    assert f"#{number}" in shown.stdout
    assert title in shown.stdout, shown.describe()

    as_json = cli("show", str(number), "--json")
    assert as_json.returncode == 0, as_json.describe()
    data = as_json.json()
    assert data["number"] == number
    assert data["title"] == title
    assert data["messages"], "a seeded ticket has at least its first message"


def test_show_unknown_ticket_fails_cleanly(cli: CliRunner) -> None:
    result = cli("show", "99999")
    assert result.returncode != 0, result.describe()
    assert result.stderr.strip(), result.describe()


def test_move_to_on_hold_without_a_link_is_refused(cli: CliRunner) -> None:
    before = cli("list", "--json")
    ticket = unlinked_open_ticket(before)
    number = ticket["number"]

    result = cli("move", str(number), "on-hold")
    assert result.returncode != 0, result.describe()
    assert "link" in result.stderr.lower(), result.describe()
    assert f"#{number}" in result.stderr or str(number) in result.stderr, result.describe()

    after = cli("list", "--json")
    assert board_of(after) == board_of(before), "a refused move changed the board"


def test_move_new_to_on_you_headless(cli: CliRunner) -> None:
    before = cli("list", "--json")
    number = board_of(before)["new"][0]

    result = cli("move", str(number), "on-you")
    assert result.returncode == 0, result.describe()
    assert f"#{number}" in result.stdout

    after = board_of(cli("list", "--json"))
    assert number in after["on_you"]
    assert number not in after["new"]

    again = cli("move", str(number), "on-you")
    assert again.returncode == 0, again.describe()
    assert "already" in again.stdout, again.describe()


def test_bad_config_in_the_default_place(cli: CliRunner, e2e_env: E2EEnv) -> None:
    e2e_env.config_file.parent.mkdir(parents=True)
    e2e_env.config_file.write_text(BAD_TOML)
    assert_one_line_error(cli("list", "--json"))
    assert_one_line_error(cli("doctor"))
    assert_one_line_error(cli("show", "1"))


def test_bad_config_given_with_option(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML)
    result = cli("--config", str(bad), "list")
    assert_one_line_error(result)
    assert str(bad) in result.stderr, result.describe()


def test_bad_config_does_not_start_the_board(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML)
    assert_one_line_error(cli("--config", str(bad)))


# Every command a user might type, right or wrong: none may answer with a traceback.
COMMANDS: list[tuple[str, ...]] = [
    ("--version",),
    ("--help",),
    ("list",),
    ("list", "--json"),
    ("list", "--column", "closed"),
    ("list", "--column", "no-such-column"),
    ("show", "1"),
    ("show", "99999"),
    ("show", "not-a-number"),
    ("show", "1", "--json"),
    ("move", "99999", "on-you"),
    ("move", "1", "no-such-column"),
    ("move", "1", "on-hold", "--link", "NOPE-0"),
    ("move",),
    ("doctor",),
    ("sandbox",),
    ("sandbox", "close", "NOPE-404"),
    ("bogus-command",),
    ("--config", "/nonexistent/dir/config.toml", "list"),
]


def test_no_command_prints_a_traceback(cli: CliRunner) -> None:
    outputs: list[str] = []
    for args in COMMANDS:
        result = cli(*args)  # the runner itself asserts there is no traceback
        outputs.append(result.stdout + result.stderr)
        assert result.returncode in (0, 1, 2), result.describe()
    assert not any(TRACEBACK in out for out in outputs)
