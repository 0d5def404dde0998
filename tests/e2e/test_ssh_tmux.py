"""pylon-tui the way its users run it: ``ssh -t host pylon-tui`` over a slow link.

A throwaway sshd (tests/sshd.py) listens on 127.0.0.1; the local side is ``ssh`` inside tmux
at 80x24, connected through a relay that adds 100 ms of round trip and caps the link at
1 Mbit/s (tests/slow_link.py). The remote command is the project's installed ``pylon-tui``
(the one next to this Python) on the test's own sandbox directories, so the local ``cli``
fixture reads the same sandbox and cache the remote board writes.

The pane runs a small script around ``ssh`` that reports, once ssh ends, its exit code and
whether the local terminal was given back in its normal (cooked, echoing) mode; tmux itself
reports the display modes (alternate screen, cursor, mouse reporting) the session left.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.sandbox import Sandbox
from tests.e2e.conftest import (
    AppLauncher,
    CliRunner,
    E2EEnv,
    TmuxApp,
    board_visible,
    column_header,
    screen_columns,
    sgr_colours,
    ticket_in,
)
from tests.e2e.test_board_tmux import first_new_ticket, wait_for_state
from tests.served import Served
from tests.slow_link import SlowLink
from tests.sshd import Sshd, SshdUnavailable, remote_command, start_sshd

pytestmark = pytest.mark.e2e

RTT, BANDWIDTH = 0.100, 1_000_000
TOKEN = "ssh-e2e-token"
SSH_TIMEOUT = 30.0  # handshake + a cold start of the app + first paint, all over the link
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_][^\x07\x1b]*(\x07|\x1b\\)?"
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>]"
)
ENDED = re.compile(r"\[ssh exit (\d+)\] \[tty (sane|raw)\]")
# What tmux reports for a terminal no program has touched: normal screen, cursor shown,
# no mouse reporting of any kind, normal cursor keys, auto-wrap on.
MODES = {
    "alternate_on": "0",
    "cursor_flag": "1",
    "mouse_any_flag": "0",
    "mouse_all_flag": "0",
    "mouse_button_flag": "0",
    "mouse_standard_flag": "0",
    "mouse_sgr_flag": "0",
    "keypad_cursor_flag": "0",
    "origin_flag": "0",
    "wrap_flag": "1",
}
CLEAN = dict(MODES)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    try:
        server = start_sshd(tmp_path_factory.mktemp("sshd"))
    except SshdUnavailable as missing:
        pytest.skip(str(missing))
    try:
        server.check_login()
        refusal = server.terminal_refusal()
        if refusal is not None:
            pytest.skip(refusal)
        yield server
    finally:
        server.stop()


@pytest.fixture
def link(sshd: Sshd) -> Iterator[SlowLink]:
    with SlowLink(sshd.port, rtt=RTT, bits_per_second=BANDWIDTH) as relay:
        yield relay


SshLauncher = Callable[..., TmuxApp]


@pytest.fixture
def over_ssh(
    launch: AppLauncher, e2e_env: E2EEnv, pylon_tui_bin: Path, sshd: Sshd, link: SlowLink
) -> SshLauncher:
    """``over_ssh(term, sessions=N)``: a tmux pane whose terminal is ``term`` running ``ssh -t``
    to ``pylon-tui`` through the link, N times in a row (each next one after a line of input:
    the same local terminal, reconnected)."""

    def start(
        term: str = "xterm-256color", *, sessions: int = 1, args: Sequence[str] = ()
    ) -> TmuxApp:
        env = {key: e2e_env.env[key] for key in e2e_env.env if key.startswith("XDG_")}
        env |= {"HOME": e2e_env.env["HOME"], "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
        remote = remote_command(
            [str(pylon_tui_bin), *args], env, cwd=e2e_env.root, pid_file=app_pid_file(e2e_env)
        )
        ssh = shlex.join(sshd.ssh_argv(remote, port=link.port))
        # After ssh: its exit code, then whether the local tty is back in cooked mode.
        report = (
            'echo "[ssh exit $?] [tty $(stty -a | tr "\\n;" "  " | '
            "grep -qE ' -(icanon|echo) ' && echo raw || echo sane)]\""
        )
        script = f"{ssh}; {report}"
        for _ in range(sessions - 1):
            script += f"; read -r _; {ssh}; {report}"
        return launch(term=term, program=["sh", "-c", script + "; exec sleep 600"])

    return start


def app_pid_file(e2e_env: E2EEnv) -> Path:
    return e2e_env.root / "remote-app.pid"


def terminal_modes(app: TmuxApp) -> dict[str, str]:
    fmt = " ".join(f"{name}=#{{{name}}}" for name in MODES)
    shown = app._tmux("display-message", "-p", "-t", app.target, fmt).stdout.split()
    return dict(item.split("=", 1) for item in shown)


def wait_ssh_ended(app: TmuxApp, count: int = 1, timeout: float = 15.0) -> list[tuple[str, str]]:
    """Wait for the pane script's report of ``count`` ended ssh sessions. Read from the pane's
    recorded output, not its screen: a report printed while a dropped session had left the
    terminal on its alternate screen vanishes from view when the next session leaves it."""
    deadline = time.monotonic() + timeout
    while True:
        raw = app.output_log.read_bytes() if app.output_log.exists() else b""
        found = ENDED.findall(ANSI.sub("", raw.decode("utf-8", "replace")))
        if len(found) >= count:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"{len(found)} of {count} ssh session(s) ended within {timeout:.0f}s; "
                f"screen:\n{app.capture()}"
            )
        time.sleep(0.1)


def assert_clean(app: TmuxApp, when: str) -> None:
    modes = terminal_modes(app)
    assert modes == CLEAN, f"terminal not clean {when}: {modes} (clean is {CLEAN})"


def app_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def thread_texts(cli: CliRunner, number: int) -> list[str]:
    result = cli("show", str(number), "--json")
    assert result.returncode == 0, result.describe()
    return [str(message["text"]) for message in result.json()["messages"]]


def test_start_navigate_move_reply_quit_over_ssh(cli: CliRunner, over_ssh: SshLauncher) -> None:
    result = cli("list", "--column", "new", "--json")  # seeds the sandbox both sides share
    news = [t["number"] for t in result.json()["columns"][0]["tickets"]]
    number, _title = first_new_ticket(cli)
    second_title = result.json()["columns"][0]["tickets"][1]["title"]

    app = over_ssh()
    screen = app.wait_until(board_visible, "the board over ssh", timeout=SSH_TIMEOUT)
    assert screen_columns(screen)["New"][:2] == news[:2], screen

    # Navigate: down, across and back, then open the second card of New.
    app.send("j", "l", "h")
    app.send("Enter")
    app.wait_for(f"#{news[1]} {second_title[:25]}", "Linked issues")
    app.send("Escape")
    app.wait_until(board_visible, "the board again")
    app.send("k")

    # Move the first card to On You: on screen at once, and in the sandbox soon after.
    app.send("L")
    app.wait_until(
        lambda s: number in screen_columns(s)["On You"] and number not in screen_columns(s)["New"],
        f"#{number} moved to On You over ssh",
    )
    wait_for_state(cli, number, "on_you")

    # Reply to it (the focus follows the moved card).
    app.send("r")
    app.wait_for(f"Reply to #{number}", "ctrl+s send")
    app.type(" [sent over ssh]")
    app.send("C-s")
    app.wait_gone(f"Reply to #{number}")
    deadline = time.monotonic() + SSH_TIMEOUT
    while True:
        texts = thread_texts(cli, number)
        if any(text.endswith("[sent over ssh]") for text in texts):
            break
        assert time.monotonic() < deadline, (
            f"the reply never reached #{number}'s thread: {texts[-2:]!r}\n{app.capture()}"
        )
        time.sleep(0.25)

    app.send("q")
    assert wait_ssh_ended(app) == [("0", "sane")]
    assert_clean(app, "after q over ssh")


@pytest.mark.parametrize("term", ["screen", "tmux-256color", "linux"])
def test_common_remote_terms_show_the_board_and_quit_clean(
    over_ssh: SshLauncher, term: str
) -> None:
    app = over_ssh(term)
    screen = app.wait_until(board_visible, f"the board over ssh with TERM={term}", SSH_TIMEOUT)
    first = screen_columns(screen)["New"][:2]
    assert len(first) == 2, screen
    if "256" not in term:  # the 16-colour terminals must not be sent 256-colour or RGB codes
        extended = {c for c in sgr_colours(app.capture(escapes=True)) if not c.isdigit()}
        assert not extended, f"TERM={term} got 256-colour/truecolor output: {sorted(extended)}"
    app.send("j")
    app.send("Enter")
    app.wait_for(f"#{first[1]} ", "Linked issues")  # the detail screen, not just the card
    app.send("Escape")
    app.wait_until(board_visible, "the board again")
    app.send("q")
    assert wait_ssh_ended(app) == [("0", "sane")]
    assert_clean(app, f"after q with TERM={term}")


def test_connection_dropped_right_after_a_move_loses_nothing(
    cli: CliRunner, over_ssh: SshLauncher, link: SlowLink, e2e_env: E2EEnv
) -> None:
    """On the embedded sandbox the write is quick: the move is at Pylon before the link dies."""
    number, _ = first_new_ticket(cli)
    app = over_ssh(sessions=2)
    pid = drop_right_after_move(app, link, e2e_env, number)
    # The move is either at Pylon already or still queued, never lost.
    found = ticket_in(cli("list", "--json"), number)
    assert found is not None
    column, ticket = found
    pending = [p["kind"] for p in ticket["pending"]]
    assert column == "on_you" or pending == ["move"], (column, ticket)
    assert app_gone(pid)

    def landed() -> bool:
        found = ticket_in(cli("list", "--json"), number)
        return found is not None and found[0] == "on_you" and not found[1]["pending"]

    reconnect_and_quit(app, number, landed)


@pytest.fixture
def slow_pylon(tmp_path: Path) -> Iterator[tuple[Sandbox, SlowLink]]:
    """The sandbox served from this process, behind a link of its own (the server's network)."""
    with Sandbox(tmp_path / "served-sandbox.sqlite3", required_token=TOKEN) as sandbox:
        sandbox.ensure_seeded()
        served = Served(sandbox)
        served.start()
        try:
            with SlowLink(served.port, rtt=0.02) as api_link:
                yield sandbox, api_link
        finally:
            served.stop()


def test_connection_dropped_while_the_move_is_in_flight_replays_it_once(
    cli: CliRunner,
    over_ssh: SshLauncher,
    link: SlowLink,
    e2e_env: E2EEnv,
    slow_pylon: tuple[Sandbox, SlowLink],
) -> None:
    """Pylon far away: the move's PATCH is still on its way when the SSH link dies (and its
    connection with it). The next start must send it, once."""
    sandbox, api_link = slow_pylon
    config = e2e_env.root / "remote.toml"
    config.write_text(
        f'[pylon]\nbase_url = "http://127.0.0.1:{api_link.port}"\ntoken = "{TOKEN}"\n'
    )
    config.chmod(0o600)
    number, _ = first_new_ticket(lambda *a: cli("--config", str(config), *a))
    ticket_id = sandbox_ticket(sandbox, api_link.port, number)["id"]

    app = over_ssh(sessions=2, args=["--config", str(config)])

    def slow_down() -> None:  # from now on nothing reaches Pylon before the drop
        api_link.one_way = 5.0

    pid = drop_right_after_move(app, link, e2e_env, number, before_move=slow_down)
    assert app_gone(pid)
    api_link.drop()  # the dead app's request dies with it: it never arrives
    api_link.one_way = 0.01
    assert pylon_writes(sandbox, ticket_id) == [], "the move reached Pylon before the drop"
    listed = cli("--config", str(config), "list", "--json")
    found = ticket_in(listed, number)
    assert found is not None, listed.describe()
    assert found[0] == "new"
    assert [p["kind"] for p in found[1]["pending"]] == ["move"], listed.describe()

    reconnect_and_quit(app, number, lambda: bool(pylon_writes(sandbox, ticket_id)))
    assert pylon_writes(sandbox, ticket_id) == [("pylon", "PATCH", f"/issues/{ticket_id}", 200)]
    assert sandbox_ticket(sandbox, api_link.port, number)["state"] == "waiting_on_you"


def drop_right_after_move(
    app: TmuxApp,
    link: SlowLink,
    e2e_env: E2EEnv,
    number: int,
    before_move: Callable[[], None] = lambda: None,
) -> int:
    """Move ``number`` to On You and cut the SSH link as soon as the move is on screen; returns
    the remote app's pid, after checking the local side of the cut."""
    app.wait_until(board_visible_anywhere, "the board over ssh", timeout=SSH_TIMEOUT)
    pid = int(app_pid_file(e2e_env).read_text())
    assert number in screen_columns(app.capture())["New"]
    before_move()
    app.send("L")
    # The first frame showing the move has crossed the link: the user saw it. Cut the link
    # now, with whatever else is in flight.
    app.wait_until(
        lambda s: number in screen_columns(s)["On You"], f"#{number} in On You", timeout=10
    )
    assert link.drop() == 1
    # ssh gives up, and gives the local terminal back in cooked mode.
    assert wait_ssh_ended(app, timeout=20) == [("255", "sane")]
    # sshd hangs up the remote session: no pylon-tui is left running on the server.
    assert app_gone(pid), f"the remote pylon-tui (pid {pid}) still runs after the drop"
    return pid


def reconnect_and_quit(app: TmuxApp, number: int, landed: Callable[[], bool]) -> None:
    """Reconnect in the same local terminal: the move shows, reaches Pylon (``landed``) with
    nothing left pending, and quitting leaves the terminal clean (the dead session could not
    reset its display modes)."""
    app.send("Enter")
    # On You sorts urgent first, then longest waiting: the moved card may be below the
    # rows an 80x24 terminal shows, so the board must show it gone from New; `landed` then
    # checks with Pylon that it is in On You.
    app.wait_until(
        lambda s: board_visible_anywhere(s) and number not in screen_columns(s)["New"],
        f"#{number} out of New after reconnecting",
        timeout=SSH_TIMEOUT,
    )
    deadline = time.monotonic() + 20
    while not landed():
        assert time.monotonic() < deadline, (
            f"#{number}'s move never reached Pylon after reconnecting"
        )
        time.sleep(0.2)
    screen = app.wait_until(lambda s: "pending" not in s, "nothing pending on the board")
    app.send("q")
    assert wait_ssh_ended(app, count=2)[1] == ("0", "sane"), screen
    assert_clean(app, "after a dropped connection, reconnecting and quitting")


def board_visible_anywhere(screen: str) -> bool:
    """The board with cards, on the sandbox or on a (served) Pylon."""
    return column_header(screen) is not None and bool(screen_columns(screen)["New"])


def sandbox_ticket(sandbox: Sandbox, port: int, number: int) -> dict[str, Any]:
    status, _, body = sandbox.handle(
        "GET", f"http://127.0.0.1:{port}/issues/{number}", {"authorization": f"Bearer {TOKEN}"}, b""
    )
    assert status == 200, body
    data = json.loads(body)["data"]
    assert isinstance(data, dict)
    return data


def pylon_writes(sandbox: Sandbox, ticket_id: str) -> list[tuple[str, str, str, int]]:
    return [
        entry
        for entry in list(sandbox.request_log)
        if entry[0] == "pylon"
        and entry[1] in ("PATCH", "POST", "PUT", "DELETE")
        and entry[2].startswith(f"/issues/{ticket_id}")
    ]
