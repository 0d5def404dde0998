"""The installed ``pylon-tui`` in a real terminal (tmux, 80x24) on the embedded sandbox."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import (
    COLUMN_TITLES,
    AppLauncher,
    CliResult,
    CliRunner,
    board_visible,
    screen_columns,
    sgr_colours,
    ticket_in,
)

pytestmark = pytest.mark.e2e

ON_YOU_STATE = "waiting_on_you"


def first_new_ticket(cli: CliRunner) -> tuple[int, str]:
    result = cli("list", "--column", "new", "--json")
    assert result.returncode == 0, result.describe()
    (column,) = result.json()["columns"]
    assert column["key"] == "new", result.describe()
    assert column["tickets"], "the seeded sandbox has no New tickets"
    first = column["tickets"][0]
    return int(first["number"]), str(first["title"])


def wait_for_state(cli: CliRunner, number: int, column: str, timeout: float = 10.0) -> CliResult:
    """Poll ``list --json`` until ticket ``number`` sits in ``column`` (the app writes in a
    background worker)."""
    deadline = time.monotonic() + timeout
    while True:
        result = cli("list", "--json")
        assert result.returncode == 0, result.describe()
        found = ticket_in(result, number)
        if found is not None and found[0] == column:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"#{number} is in {found[0] if found else 'no column'}, not {column}, "
                f"{timeout:.0f}s after the move"
            )
        time.sleep(0.25)


def test_start_help_and_quit(launch: AppLauncher) -> None:
    app = launch()
    screen = app.wait_until(board_visible, "the sandbox board")
    for title in COLUMN_TITLES:
        assert title in screen
    assert "Traceback" not in screen

    app.send("?")
    app.wait_for("Keys", "Navigate")
    app.send("Escape")
    screen = app.wait_gone("Navigate")
    assert board_visible(screen), screen

    app.send("q")
    app.wait_exit(timeout=10)


def test_move_new_to_on_you_survives_restart(launch: AppLauncher, cli: CliRunner) -> None:
    number, title = first_new_ticket(cli)

    app = launch()
    screen = app.wait_until(board_visible, "the sandbox board")
    assert number in screen_columns(screen)["New"], screen

    # Focus starts on the first card of New: enter opens exactly that ticket.
    app.send("Enter")
    app.wait_for(f"#{number} {title[:30]}", "Last message")  # the detail screen itself
    app.send("Escape")
    app.wait_until(board_visible, "the board again")

    app.send("L")
    screen = app.wait_until(
        lambda s: number in screen_columns(s)["On You"] and number not in screen_columns(s)["New"],
        f"#{number} to move from New to On You on screen",
    )
    result = wait_for_state(cli, number, "on_you")
    found = ticket_in(result, number)
    assert found is not None
    assert found[1]["state"] == ON_YOU_STATE, result.describe()

    app.send("q")
    app.wait_exit(timeout=10)

    # Still there for a fresh process...
    result = cli("list", "--json")
    found = ticket_in(result, number)
    assert found is not None, result.describe()
    assert found[0] == "on_you", result.describe()
    assert found[1]["state"] == ON_YOU_STATE

    # ...and on screen after a restart: filter down to the one card and find it in On You.
    app = launch()
    app.wait_until(board_visible, "the board after a restart")
    app.send("/")
    # Type only once the filter box has focus: on the board, digits set the priority.
    app.wait_for("filter:")
    app.type(f"#{number}")
    app.send("Enter")
    screen = app.wait_until(
        lambda s: number in screen_columns(s)["On You"],
        f"#{number} in On You after the restart",
    )
    assert number not in screen_columns(screen)["New"], screen
    # Escape clears the filter. Wait for that before q: ESC and a key sent together read as
    # alt+key in any terminal.
    app.send("Escape")
    app.wait_gone(f'filter: "#{number}"')
    app.send("q")
    app.wait_exit(timeout=10)


def test_move_then_quit_at_once_is_not_lost(launch: AppLauncher, cli: CliRunner) -> None:
    """A user who presses L then q straight away must still find the move done."""
    number, _ = first_new_ticket(cli)
    app = launch()
    app.wait_until(board_visible, "the sandbox board")
    app.send("L")
    app.wait_until(
        lambda s: number in screen_columns(s)["On You"], f"#{number} in On You on screen"
    )
    app.send("q")
    app.wait_exit(timeout=10)
    wait_for_state(cli, number, "on_you", timeout=2.0)


# Black, white and greys in the 16-colour palette: all NO_COLOR may leave.
GREYS_16 = {"30", "37", "90", "97", "40", "47", "100", "107"}


@pytest.mark.parametrize(
    ("term", "no_color"),
    [("xterm", "1"), ("screen", "1"), ("xterm", None)],
    ids=["xterm-NO_COLOR", "screen-NO_COLOR", "xterm-16-colours"],
)
def test_plain_terminals_show_the_board(
    launch: AppLauncher, term: str, no_color: str | None
) -> None:
    app = launch(term=term, NO_COLOR=no_color)
    screen = app.wait_until(board_visible, f"the board with TERM={term} NO_COLOR={no_color}")
    for title in ("SANDBOX", *COLUMN_TITLES):
        assert title in screen
    colours = sgr_colours(app.capture(escapes=True))
    extended = {c for c in colours if not c.isdigit()}
    assert not extended, f"TERM={term} got 256-colour/truecolor output: {sorted(extended)}"
    if no_color:
        assert colours <= GREYS_16, f"NO_COLOR=1 still shows colours: {sorted(colours - GREYS_16)}"
    app.send("j", "l", "k", "h")
    app.send("q")
    app.wait_exit(timeout=10)


def test_harness_gives_the_terminal_and_environment_under_test(launch: AppLauncher) -> None:
    """Guards the harness itself: tmux must not swap in its own TERM, nor leak tokens."""
    app = launch(
        term="screen",
        NO_COLOR="1",
        program=[
            "sh",
            "-c",
            'echo "TERM=$TERM NO_COLOR=$NO_COLOR TOKEN=${PYLON_API_TOKEN-unset} '
            'DATA=$XDG_DATA_HOME"; sleep 5',
        ],
    )
    screen = app.wait_for("TERM=")
    assert "TERM=screen NO_COLOR=1 TOKEN=unset DATA=/" in screen, screen
    assert "pytest" in screen or "tmp" in screen, screen  # the per-test data dir
